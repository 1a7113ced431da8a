const KEY = 'lianxin.token';

/** The bearer token, kept in localStorage so a reload stays signed in. */
export const tokenStore = {
  get(): string | null {
    return localStorage.getItem(KEY);
  },
  set(token: string): void {
    localStorage.setItem(KEY, token);
  },
  clear(): void {
    localStorage.removeItem(KEY);
  },
};
