/**
 * The signed-in partner's API key. Kept in sessionStorage only (gone when the tab closes, never
 * in localStorage or a cookie), and removed by sign-out.
 */
const KEY = "vstage.apiKey";

export const session = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (apiKey: string): void => sessionStorage.setItem(KEY, apiKey),
  clear: (): void => sessionStorage.removeItem(KEY),
};
