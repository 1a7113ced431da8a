/**
 * Photos of check-ins made without a signal, kept in IndexedDB (localStorage holds text only, and
 * too little) until the queue uploads them. Keys are the check-ins' idempotency keys.
 */

const DB_NAME = 'lianxin-attendance';
const STORE = 'photos';

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    if (typeof indexedDB === 'undefined') {
      reject(new Error('IndexedDB unavailable'));
      return;
    }
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB open failed'));
  }).catch((error: unknown) => {
    opening = null;
    throw error;
  });
  return opening;
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const request = work(db.transaction(STORE, mode).objectStore(STORE));
    request.onsuccess = () => resolve(request.result as T);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

export const photoStore = {
  put(key: string, photo: Blob): Promise<void> {
    return run<IDBValidKey>('readwrite', (store) => store.put(photo, key)).then(() => undefined);
  },
  get(key: string): Promise<Blob | null> {
    return run<Blob | undefined>('readonly', (store) => store.get(key)).then((photo) => photo ?? null);
  },
  remove(key: string): Promise<void> {
    return run<undefined>('readwrite', (store) => store.delete(key)).then(() => undefined);
  },
};
