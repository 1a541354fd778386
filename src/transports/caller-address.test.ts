import { describe, expect, it } from 'vitest';
import { callerAddress, callerKey } from './caller-address.js';

describe('callerAddress', () => {
  it('is the TCP peer unless proxies are trusted, whatever X-Forwarded-For says', () => {
    expect(callerAddress('10.0.0.9', '6.6.6.6', 0)).toBe('10.0.0.9');
    expect(callerAddress('10.0.0.9', undefined, 1)).toBe('10.0.0.9');
  });

  it('behind N trusted proxies, is the address the N-th proxy from the server saw', () => {
    // The client wrote a fake first entry; the one proxy appended what it saw.
    expect(callerAddress('10.0.0.9', '6.6.6.6, 203.0.113.7', 1)).toBe('203.0.113.7');
    // A CDN, then a load balancer: two proxies. The CDN appended the client (203.0.113.7),
    // the load balancer the CDN (198.51.100.2).
    expect(callerAddress('10.0.0.9', '6.6.6.6, 203.0.113.7, 198.51.100.2', 2)).toBe('203.0.113.7');
    expect(callerAddress('10.0.0.9', ['203.0.113.7', '198.51.100.2'], 2)).toBe('203.0.113.7');
    // Fewer entries than proxies: the leftmost; an entry that is no address stops the walk.
    expect(callerAddress('10.0.0.9', '203.0.113.7', 3)).toBe('203.0.113.7');
    expect(callerAddress('10.0.0.9', '203.0.113.7, not-an-ip', 2)).toBe('10.0.0.9');
  });

  it('drops the port some proxies write after an entry (Azure: 10.0.0.1:5555, [2001:db8::1]:5555)', () => {
    expect(callerAddress('10.0.0.9', '203.0.113.7:5555', 1)).toBe('203.0.113.7');
    expect(callerAddress('10.0.0.9', '[2001:db8::7]:5555', 1)).toBe('2001:db8::7');
    expect(callerAddress('10.0.0.9', '[2001:db8::7]', 1)).toBe('2001:db8::7');
    expect(callerAddress('10.0.0.9', '2001:db8::7', 1)).toBe('2001:db8::7');
    expect(callerAddress('10.0.0.9', 'host:80', 1)).toBe('10.0.0.9');
  });
});

describe('callerKey', () => {
  it('counts an IPv4 address as itself, an IPv4-mapped one as its IPv4, and IPv6 by its /64', () => {
    expect(callerKey('203.0.113.7')).toBe('203.0.113.7');
    expect(callerKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(callerKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(callerKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(callerKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(callerKey('::1')).toBe('0:0:0:0::/64');
  });
});
