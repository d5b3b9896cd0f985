// The signed-in key lives in this tab's sessionStorage only: never in a URL, a cookie, local
// storage or a log. Closing the tab forgets it.

const KEY = 'attendant.apiKey';

export const session = {
  get key(): string | null {
    return sessionStorage.getItem(KEY);
  },
  set(key: string): void {
    sessionStorage.setItem(KEY, key);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
  },
};
