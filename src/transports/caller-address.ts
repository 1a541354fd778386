/**
 * Who is calling, as remote mode's per-caller limits count callers: the peer's IP address, or,
 * behind proxies the operator trusts (`--trust-proxy N`), the address the N-th proxy from this
 * server saw (X-Forwarded-For). An IPv6 caller counts as its /64 network, which one host
 * usually holds whole. Pure.
 */
import { isIP } from 'node:net';

/**
 * The caller's address. `socketAddress` is the TCP peer; `forwardedFor` the X-Forwarded-For
 * header(s). With `trustedProxies` 0 the header is ignored (anyone can write it). Otherwise each
 * trusted proxy appended the address it saw: the client is `trustedProxies` entries from the
 * right of [header entries…, peer], or the leftmost entry when fewer proxies took part. A port
 * after an entry's address is dropped; an entry that is not an IP address stops the walk there
 * (what is left of it cannot be trusted).
 */
export function callerAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxies: number,
): string {
  const peer = socketAddress ?? 'unknown';
  if (trustedProxies <= 0 || forwardedFor === undefined) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  let address = peer;
  for (let i = 0; i < trustedProxies && hops.length > 0; i += 1) {
    const next = withoutPort(hops.pop()!);
    if (isIP(next) === 0) break;
    address = next;
  }
  return address;
}

/**
 * An X-Forwarded-For entry without the port some proxies add (Azure's Application Gateway
 * writes `10.0.0.1:5555`; IPv6 as `[2001:db8::1]:5555`); anything else as it is.
 */
function withoutPort(entry: string): string {
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d+)?$/i.exec(entry);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4 ? v4[1]! : entry;
}

/** The key a caller's limits are counted under: an IPv4 address, or an IPv6 address's /64. */
export function callerKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
