/**
 * Remote mode's pure guards, without a server: the caller's address, the limits per address,
 * the structure checks on a message, and the answer type an Accept header asks for.
 */
import { describe, expect, it } from 'vitest';
import { answerType } from '../src/transports/answer-type.js';
import { callerAddress, callerKey } from '../src/transports/caller-address.js';
import {
  BLOCKING_STRIKES,
  CallerLimits,
  FIRST_DELAY_MS,
  FREE_STRIKES,
  STRIKE_FADE_MS,
} from '../src/transports/caller-limits.js';
import { MAX_DEPTH, structureProblem } from '../src/transports/message-shape.js';

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

describe('CallerLimits', () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('caps the requests of one address in flight, and frees a place when one leaves', () => {
    const limits = new CallerLimits(2);
    const a = limits.enter('a');
    const b = limits.enter('a');
    const refused = limits.enter('a');
    expect(refused).toMatchObject({ refused: { go: false, retryAfterSeconds: 1 } });
    expect('leave' in limits.enter('other')).toBe(true);
    if ('leave' in a) a.leave();
    if ('leave' in a) a.leave(); // twice is once
    expect('leave' in limits.enter('a')).toBe(true);
    expect('refused' in limits.enter('a')).toBe(true);
    expect(b).toHaveProperty('leave');
  });

  it('lets a few refused keys pass, then slows the address, then refuses it until the strikes fade', () => {
    const time = clock();
    const limits = new CallerLimits(16, time.now);
    const verdicts: unknown[] = [];
    for (let i = 0; i < BLOCKING_STRIKES + 1; i += 1) {
      verdicts.push(limits.verdict('a'));
      limits.settle('a', `made-up-${i}`, 'INVALID_KS');
    }
    expect(verdicts.slice(0, FREE_STRIKES)).toEqual(Array(FREE_STRIKES).fill({ go: true, delayMs: 0 }));
    expect(verdicts.slice(FREE_STRIKES, BLOCKING_STRIKES)).toEqual([
      { go: true, delayMs: FIRST_DELAY_MS },
      { go: true, delayMs: FIRST_DELAY_MS * 2 },
      { go: true, delayMs: FIRST_DELAY_MS * 4 },
    ]);
    expect(verdicts[BLOCKING_STRIKES]).toMatchObject({ go: false, retryAfterSeconds: 1 });
    // Seven strikes: refused until one more has faded (and a moment).
    expect(limits.verdict('a')).toMatchObject({ go: false, retryAfterSeconds: STRIKE_FADE_MS / 1000 + 1 });
    expect(limits.verdict('b')).toEqual({ go: true, delayMs: 0 });
    time.advance(STRIKE_FADE_MS + 1);
    expect(limits.verdict('a')).toMatchObject({ go: true });
    time.advance(10 * STRIKE_FADE_MS);
    expect(limits.verdict('a')).toEqual({ go: true, delayMs: 0 });
  });

  it('remembers the keys Kaltura accepted, and forgets one it refuses later', () => {
    const limits = new CallerLimits(16);
    expect(limits.isAccepted('k')).toBe(false);
    limits.settle('a', 'k', 'ENTRY_ID_NOT_FOUND');
    expect(limits.isAccepted('k')).toBe(false);
    limits.settle('a', 'k', 'ok');
    expect(limits.isAccepted('k')).toBe(true);
    limits.settle('a', 'k', 'INVALID_KS');
    expect(limits.isAccepted('k')).toBe(false);
  });

  it('runs calls with unproven keys a few at a time once the address has strikes, at once before', async () => {
    const limits = new CallerLimits(16, clock().now);
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const work = () =>
      limits.runUnproven('a', async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
      });
    const before = Array.from({ length: 5 }, work);
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(5);
    for (const release of releases.splice(0)) release();
    await Promise.all(before);
    for (let i = 0; i < FREE_STRIKES; i += 1) limits.settle('a', `k${i}`, 'INVALID_KS');
    peak = 0;
    const after = Array.from({ length: 5 }, work);
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(3);
    while (releases.length) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(after);
    expect(peak).toBe(3);
  });
});

describe('structureProblem', () => {
  const nested = (depth: number, leaf: unknown = 1) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i += 1) value = [value];
    return value;
  };

  it('refuses a nested id, a nested requestId and any body nested deeper than the limit, without recursing', () => {
    expect(structureProblem({ jsonrpc: '2.0', id: nested(5000), method: 'ping' })).toMatch(/nested more than 64/);
    expect(
      structureProblem({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: nested(5000) } }),
    ).toMatch(/nested more than 64/);
    expect(structureProblem({ jsonrpc: '2.0', id: { a: 1 }, method: 'ping' })).toBe(
      '"id" must be a string, a number or null',
    );
    expect(structureProblem({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: [1] } })).toMatch(
      /requestId/,
    );
    expect(structureProblem([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { id: true }])).toMatch(/"id"/);
    // Exactly at the limit passes; one more level does not.
    expect(structureProblem(nested(MAX_DEPTH))).toBeUndefined();
    expect(structureProblem(nested(MAX_DEPTH + 1))).toMatch(/nested/);
  });

  it('passes ordinary messages', () => {
    for (const message of [
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: { entry_ids: ['1_a'] } } },
      { jsonrpc: '2.0', id: 'a', result: {} },
      { jsonrpc: '2.0', id: null, error: { code: 1, message: 'x' } },
      { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } },
      'not even an object',
    ]) {
      expect(structureProblem(message)).toBeUndefined();
    }
  });
});

describe('answerType', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['*/*', 'json'],
    ['application/*', 'json'],
    ['application/json, text/event-stream', 'json'],
    ['text/event-stream', 'sse'],
    ['text/*', 'sse'],
    ['application/json;q=0, text/event-stream', 'sse'],
    ['text/event-stream, application/json;q=0.5', 'sse'],
    ['text/html', undefined],
    ['application/json;q=0', undefined],
    ['*/*;q=0', undefined],
  ])('Accept %j → %s', (accept, expected) => {
    expect(answerType(accept)).toBe(expected);
  });
});
