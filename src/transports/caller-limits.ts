/**
 * Remote mode's limits per caller address (see caller-address.ts), so that one address cannot
 * make the deployment pay for its abuse:
 *
 * - **Requests in flight** are capped (`MCP_MAX_CALLS_PER_ADDRESS`); more are refused at once.
 * - **KSs Kaltura refused.** Anyone can write a well-formed KS; only Kaltura can tell it is made
 *   up, at the price of a round trip. Each refusal (INVALID_KS) is a strike against the address;
 *   strikes fade, one per {@link STRIKE_FADE_MS}. From {@link FREE_STRIKES} on, the address's
 *   calls with keys Kaltura has not accepted are slowed (0.5 s, doubling); from
 *   {@link BLOCKING_STRIKES} on they are refused until the strikes fade below it.
 * - **Keys not yet accepted**, once the address has {@link FREE_STRIKES}, run a few calls at a time
 *   ({@link UNPROVEN_CALLS}); the others wait, and are judged by the strikes when their turn
 *   comes. A first burst of made-up keys is bounded by the in-flight cap; after it, each key
 *   Kaltura refuses counts before the next few go.
 *
 * A key Kaltura has accepted (a call answered `ok`) passes without these checks: a caller with a
 * valid KS is not held back by an abuser behind the same address. Pure logic (the clock is
 * injectable); memory is bounded by {@link MAX_TRACKED}.
 */
import { KeyedSlots } from '../slots.js';

/** Strikes an address may collect before its calls are slowed (a user's expired KS, retried). */
export const FREE_STRIKES = 3;
/** Strikes at which the address's calls with keys not yet accepted are refused. */
export const BLOCKING_STRIKES = 6;
/** One strike fades in this long. */
export const STRIKE_FADE_MS = 30_000;
/** The first slowed call waits this long; each further strike doubles it. */
export const FIRST_DELAY_MS = 500;
/** Calls at once per address whose key Kaltura has not accepted yet. */
export const UNPROVEN_CALLS = 3;
/** Addresses and accepted keys remembered at most (the oldest are forgotten first). */
export const MAX_TRACKED = 10_000;

/** Whether a request may go on: at once or after `delayMs`, or refused for `retryAfterSeconds`. */
export type Verdict = { go: true; delayMs: number } | { go: false; retryAfterSeconds: number; why: string };

interface AddressState {
  inFlight: number;
  /** Strikes as of `at` (they fade from there). */
  strikes: number;
  at: number;
}

export class CallerLimits {
  private readonly addresses = new Map<string, AddressState>();
  /** Hashes of keys Kaltura accepted, oldest first. */
  private readonly accepted = new Set<string>();
  private readonly unproven: KeyedSlots;

  constructor(
    /** Requests in flight per address. */
    private readonly maxInFlight: number,
    private readonly now: () => number = Date.now,
  ) {
    this.unproven = new KeyedSlots(UNPROVEN_CALLS, maxInFlight);
  }

  /**
   * Counts a request of `address` in flight, or refuses it when the address has
   * `maxInFlight` already. Call the returned `leave` once the request is answered.
   */
  enter(address: string): { leave: () => void } | { refused: Verdict & { go: false } } {
    const state = this.stateOf(address);
    if (state.inFlight >= this.maxInFlight) {
      return {
        refused: {
          go: false,
          retryAfterSeconds: 1,
          why: `this address has ${state.inFlight} requests in flight already`,
        },
      };
    }
    state.inFlight += 1;
    let left = false;
    return {
      leave: () => {
        if (left) return;
        left = true;
        state.inFlight -= 1;
        this.forgetIfIdle(address, state);
      },
    };
  }

  /** Whether Kaltura has accepted the key with this hash. */
  isAccepted(keyHash: string): boolean {
    return this.accepted.has(keyHash);
  }

  /** Whether a request of `address` with a key not yet accepted may go on now, and when. */
  verdict(address: string): Verdict {
    const strikes = this.strikesOf(address);
    if (strikes >= BLOCKING_STRIKES) {
      const fadeMs = (strikes - BLOCKING_STRIKES) * STRIKE_FADE_MS + 1;
      return {
        go: false,
        retryAfterSeconds: Math.max(1, Math.ceil(fadeMs / 1000)),
        why: 'too many session keys from this address were refused by Kaltura',
      };
    }
    if (strikes < FREE_STRIKES) return { go: true, delayMs: 0 };
    return { go: true, delayMs: FIRST_DELAY_MS * 2 ** Math.floor(strikes - FREE_STRIKES) };
  }

  /**
   * Runs `work` (a call with a key not yet accepted): at once while the address has fewer than
   * {@link FREE_STRIKES}, else when one of its few slots for such calls is free. Waiting ends
   * early if `signal` aborts.
   */
  runUnproven<T>(address: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.strikesOf(address) >= FREE_STRIKES ? this.unproven.run(address, work, signal) : work();
  }

  /**
   * What Kaltura made of a call's key: `INVALID_KS` is a strike against the address (and the
   * key is no longer trusted); `ok` marks the key accepted. Other outcomes say nothing of it.
   */
  settle(address: string, keyHash: string, outcome: string | undefined): void {
    if (outcome === 'ok') {
      this.accepted.delete(keyHash);
      this.accepted.add(keyHash);
      if (this.accepted.size > MAX_TRACKED) this.accepted.delete(this.accepted.values().next().value!);
    } else if (outcome === 'INVALID_KS') {
      this.accepted.delete(keyHash);
      const state = this.stateOf(address);
      state.strikes = this.strikesOf(address) + 1;
      state.at = this.now();
    }
  }

  /** The address's strikes now, faded since they were last counted. */
  private strikesOf(address: string): number {
    const state = this.addresses.get(address);
    if (!state) return 0;
    return Math.max(0, state.strikes - (this.now() - state.at) / STRIKE_FADE_MS);
  }

  private stateOf(address: string): AddressState {
    let state = this.addresses.get(address);
    if (!state) {
      state = { inFlight: 0, strikes: 0, at: this.now() };
      this.addresses.set(address, state);
      if (this.addresses.size > MAX_TRACKED) this.forgetOldest();
    }
    return state;
  }

  private forgetIfIdle(address: string, state: AddressState): void {
    if (state.inFlight === 0 && this.strikesOf(address) === 0) this.addresses.delete(address);
  }

  /** Forgets the oldest idle addresses until the map is back within {@link MAX_TRACKED}. */
  private forgetOldest(): void {
    for (const [address, state] of this.addresses) {
      if (this.addresses.size <= MAX_TRACKED) return;
      if (state.inFlight === 0) this.addresses.delete(address);
    }
  }
}
