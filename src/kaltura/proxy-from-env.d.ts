/** proxy-from-env (used by axios, and by proxy.ts to read the proxy variables the same way) ships no types. */
declare module 'proxy-from-env' {
  /** The proxy URL the environment names for `url` (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY), or ''. */
  export function getProxyForUrl(url: string | URL): string;
}
