import { API_PREFIX, ApiPaths, ErrorCode } from '@lianxin/shared';
import { ApiError, ClientErrorCode, isProblem } from './api-error';
import { type GetEndpoints, type PostEndpoints, PUBLIC_PATHS, type UploadEndpoints } from './endpoints';
import type { IdPath, IdPostPath } from './id-paths';
import { tokenStore } from './token-store';

export { ApiError, ClientErrorCode } from './api-error';

const TIMEOUT_MS = 20_000;
/** Files (up to 10 MB) on a county's weak signal take longer than JSON. */
const FILE_TIMEOUT_MS = 180_000;

export interface RequestOptions {
  query?: Record<string, string>;
  signal?: AbortSignal;
}

/** What a request sends besides its path: the body and its type (none: no body), and how to read the answer. */
interface Exchange {
  body?: BodyInit;
  contentType?: string;
  /** 'blob': the answer is a file, not JSON. */
  answer?: 'json' | 'blob';
  timeoutMs?: number;
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => undefined;

/** The app decides where to go when a signed-in call answers 401 (the token is already cleared). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

function json(body: unknown): Exchange {
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

function url(path: string, query?: Record<string, string>): string {
  const search = query ? `?${new URLSearchParams(query).toString()}` : '';
  return `${API_PREFIX}${path}${search}`;
}

async function send<T>(method: string, path: string, exchange: Exchange, options: RequestOptions = {}): Promise<T> {
  const { body, contentType, answer = 'json', timeoutMs = TIMEOUT_MS } = exchange;
  const anonymous = PUBLIC_PATHS.has(path);
  const token = anonymous ? null : tokenStore.get();
  const headers: Record<string, string> = { Accept: answer === 'json' ? 'application/json' : '*/*' };
  if (contentType) headers['Content-Type'] = contentType;
  if (token) headers.Authorization = `Bearer ${token}`;

  // Older DingTalk web views lack AbortSignal.any/timeout, so the timeout is wired by hand.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const forwardAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', forwardAbort);
  let response: Response;
  try {
    response = await fetch(url(path, options.query), { method, headers, body, signal: controller.signal });
  } catch (cause) {
    if (timedOut) throw new ApiError(0, ClientErrorCode.Timeout, '请求超时，请检查网络后重试');
    if (options.signal?.aborted) throw cause;
    throw new ApiError(0, ClientErrorCode.Network, '网络连接失败，请检查网络后重试');
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forwardAbort);
  }

  if (response.ok) {
    if (response.status === 204) return undefined as T;
    try {
      return (answer === 'blob' ? await response.blob() : await response.json()) as T;
    } catch {
      if (answer === 'blob') throw new ApiError(0, ClientErrorCode.Network, '文件下载中断，请检查网络后重试');
      throw new ApiError(response.status, ClientErrorCode.BadResponse, '服务器返回的数据无法识别，请稍后重试');
    }
  }

  throw expireOn401(await readError(response), token !== null);
}

/** A 401 on a call that carried a token means the session is over: forget it and let the app react. */
function expireOn401(error: ApiError, authenticated: boolean): ApiError {
  if (error.status === 401 && authenticated) {
    tokenStore.clear();
    onUnauthorized();
  }
  return error;
}

async function readError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null; // not JSON: a proxy or gateway answered; described below by status
  }
  if (isProblem(parsed)) return ApiError.fromProblem(parsed);
  if (response.status === 401) return new ApiError(401, ErrorCode.Unauthenticated, '登录已失效，请重新登录');
  if (response.status >= 500) {
    return new ApiError(response.status, ClientErrorCode.BadResponse, `服务暂时不可用（${response.status}），请稍后重试`);
  }
  return new ApiError(response.status, ClientErrorCode.BadResponse, `请求失败（${response.status}）`);
}

/** The one API client: base URL, bearer token, JSON, problem+json → ApiError. */
export const http = {
  get<P extends keyof GetEndpoints>(path: P, options?: RequestOptions): Promise<GetEndpoints[P]> {
    return send<GetEndpoints[P]>('GET', path, {}, options);
  },

  /** GET of a path with an id in it (`ById.member(id)`); the path carries the answer type. */
  getById<T>(path: IdPath<T>, options?: RequestOptions): Promise<T> {
    return send<T>('GET', path, {}, options);
  },

  post<P extends keyof PostEndpoints>(path: P, body: PostEndpoints[P]['body'], options?: RequestOptions): Promise<PostEndpoints[P]['result']> {
    return send<PostEndpoints[P]['result']>('POST', path, json(body), options);
  },

  /** POST of an action on one thing (`PostById.noticeRead(id)`); the path carries body and answer types. */
  postById<B, R>(path: IdPostPath<B, R>, body: B, options?: RequestOptions): Promise<R> {
    return send<R>('POST', path, body === undefined ? {} : json(body), options);
  },

  /** A file (an attachment, a photo) as the raw request body with its own Content-Type, never a form (a file name goes in `query`). */
  uploadFile<P extends keyof UploadEndpoints>(path: P, file: Blob, contentType: string, options?: RequestOptions): Promise<UploadEndpoints[P]> {
    return send<UploadEndpoints[P]>('POST', path, { body: file, contentType, timeoutMs: FILE_TIMEOUT_MS }, options);
  },

  /** A GET answered with a file (an attachment), as the signed-in member. */
  download(path: string, options?: RequestOptions): Promise<Blob> {
    return send<Blob>('GET', path, { answer: 'blob', timeoutMs: FILE_TIMEOUT_MS }, options);
  },

  /** The live event stream; EventSource cannot send headers, so the token goes in the query. */
  eventStreamUrl(): string | null {
    const token = tokenStore.get();
    return token ? url(ApiPaths.events, { access_token: token }) : null;
  },
};
