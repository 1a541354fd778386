/**
 * The proxy a request goes through, as kaltura-client's axios picks it for API calls and the
 * downloads pick it for files (both with proxy-from-env): `<scheme>_proxy`, else `all_proxy`,
 * each in lower case before upper case, unless NO_PROXY names the host. Errors name the proxy by
 * its host and port and the variable it came from, never by its URL (which may hold a password).
 */
import { getProxyForUrl } from 'proxy-from-env';

/** The proxy the environment names for a URL. */
export interface Proxy {
  /** The variable that named it, as it is spelt in the environment, e.g. `HTTPS_PROXY` or `http_proxy`. */
  variable: string;
  /** Its URL; undefined when the variable does not hold one. */
  url?: URL;
  /** `host:port` (the scheme's port when none is given), for messages; undefined with `url`. */
  address?: string;
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

/** The proxy the environment names for `url`, or undefined when it goes direct. */
export function proxyFor(url: string): Proxy | undefined {
  const value = getProxyForUrl(url);
  if (!value) return undefined;
  const scheme = new URL(url).protocol.slice(0, -1);
  const variable =
    [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, 'all_proxy', 'ALL_PROXY'].find((name) => process.env[name]) ??
    `${scheme.toUpperCase()}_PROXY`;
  try {
    const proxy = new URL(value);
    if (!proxy.hostname) return { variable };
    return { variable, url: proxy, address: `${proxy.hostname}:${proxy.port || DEFAULT_PORTS[proxy.protocol] || ''}` };
  } catch {
    return { variable };
  }
}

/** The refusal of a proxy variable that holds no URL: it names the variable, never repeats its value. */
export function notAProxyUrl(proxy: Proxy): string {
  return `${proxy.variable} does not hold a proxy URL (such as http://proxy.example.com:3128): fix it, or unset it to connect directly`;
}

/** What to do about a proxy that failed: `check that proxy, or fix or unset HTTP_PROXY`. */
export function proxyAdvice(proxy: Proxy): string {
  return `check that proxy, or fix or unset ${proxy.variable}`;
}

/** The proxy in words: `the proxy 127.0.0.1:3128 (from HTTP_PROXY)`. */
export function proxyWords(proxy: Proxy): string {
  return `the proxy ${proxy.address} (from ${proxy.variable})`;
}
