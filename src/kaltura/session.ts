/**
 * Where a call's Kaltura session key comes from. The server's own session is a KS signed here
 * with the admin secret (the default), one from `session.start`, one started from an App Token,
 * or a ready-made key from `KALTURA_KS`: reused across calls, renewed before it expires, and
 * renewed once when Kaltura refuses it, concurrent callers sharing one renewal. When renewing
 * cannot help, the refusal is worded with what to check.
 */
import { AppTokenSessions } from './app-token-session.js';
import type { SessionConfig } from './config.js';
import { NEGLIGIBLE_SKEW_SECONDS, type Connection } from './connection.js';
import type { KalturaLog, SecretMasker } from './deps.js';
import { invalidResponse, KalturaError } from './errors.js';
import { looksLikeKs, signKsV2 } from './ks.js';

/** Where a call's session key comes from. */
export interface SessionSource {
  /** The key to use now. */
  current(): Promise<string>;
  /**
   * A new key after Kaltura refused `stale` with `refusal`; throws a worded KalturaError when a
   * new key cannot help.
   */
  renew(stale: string, refusal: KalturaError): Promise<string>;
}

/** Renew the session this long before it expires (the original's five minutes). */
const RENEW_MARGIN_SECONDS = 300;

interface Session {
  ks: string;
  /** Unix seconds on this host's clock. */
  expiresAt: number;
  /** How long it was valid for when it started, seconds. */
  lifetime: number;
}

/** What {@link OwnSession} works with. */
interface OwnSessionDeps {
  config: () => SessionConfig;
  connect: () => Promise<Connection>;
  log: KalturaLog;
  masker: SecretMasker;
  /** Clock in unix seconds. */
  now: () => number;
}

/** The session the server holds for itself, from its configuration. */
export class OwnSession implements SessionSource {
  private session?: Session;
  private pending?: Promise<string>;
  /** Kaltura's clock minus this host's, seconds, once a refusal showed they differ. */
  private clockOffset = 0;
  private appTokenSessions?: AppTokenSessions;

  constructor(private readonly deps: OwnSessionDeps) {}

  /** The key to use now: reused until five minutes before it expires (halfway, for short sessions). */
  async current(): Promise<string> {
    const session = this.session;
    if (session) {
      const margin = Math.min(RENEW_MARGIN_SECONDS, session.lifetime / 2);
      if (session.expiresAt - margin > this.deps.now()) return session.ks;
    }
    return this.replace(session?.ks);
  }

  async renew(stale: string, refusal: KalturaError): Promise<string> {
    const config = this.deps.config();
    if (config.appToken) {
      // Expired, or ended (the token revoked: then starting a new one says so).
      this.deps.log.info('renewing the App Token session once', { reason: refusal.refusal });
      return this.replace(stale);
    }
    if (config.providedKs) {
      // INVALID_STR: Kaltura could not read or verify the key at all; anything else names why a
      // key it could read ended (EXPIRED, LOGOUT…).
      const why =
        refusal.refusal === 'INVALID_STR'
          ? 'it is not a key Kaltura can read: check that it was copied whole, and that it belongs to this Kaltura (KALTURA_SERVICE_URL)'
          : refusal.refusal === 'EXPIRED'
            ? 'it has expired'
            : `it has ended${refusal.refusal ? ` (${refusal.refusal})` : ''}: expired or revoked`;
      throw new KalturaError(
        'INVALID_KS',
        `Kaltura refused the session key in KALTURA_KS (${why}); create a new one, set KALTURA_KS to it and restart the server`,
        refusal.refusal,
      );
    }
    if (config.sessionMode === 'local') {
      // A key signed here that Kaltura cannot verify was signed with the wrong secret or for the
      // wrong partner: signing another one cannot help.
      if (refusal.refusal === 'INVALID_STR') throw wrongCredentials(refusal, config.partnerId);
      if (refusal.refusal === 'EXPIRED') await this.adoptKalturaClock(stale);
    }
    this.deps.log.info('renewing the session once', { mode: config.sessionMode });
    return this.replace(stale);
  }

  /**
   * A key this host thinks is valid was refused as expired: this host's clock is behind Kaltura's.
   * From now on keys are signed against Kaltura's clock, read from its answers' `Date` header.
   */
  private async adoptKalturaClock(stale: string): Promise<void> {
    const session = this.session;
    if (!session || session.ks !== stale || session.expiresAt <= this.deps.now()) return;
    const offset = (await this.deps.connect()).clockOffset();
    if (offset === undefined || Math.abs(offset - this.clockOffset) < NEGLIGIBLE_SKEW_SECONDS) return;
    this.clockOffset = offset;
    this.deps.log.warn("this host's clock differs from Kaltura's; signing session keys against Kaltura's clock", {
      skewSeconds: offset,
    });
  }

  /** Replaces the session `stale`; concurrent callers share one renewal. */
  private replace(stale: string | undefined): Promise<string> {
    if (this.session && this.session.ks !== stale) return Promise.resolve(this.session.ks);
    this.pending ??= this.start().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async start(): Promise<string> {
    const config = this.deps.config();
    if (config.providedKs) {
      this.session = { ks: config.providedKs, expiresAt: Number.POSITIVE_INFINITY, lifetime: Number.POSITIVE_INFINITY };
      return config.providedKs;
    }
    if (config.appToken) {
      this.appTokenSessions ??= new AppTokenSessions(config.appToken, config.partnerId, this.deps);
      const started = this.deps.now();
      const { ks, lifetime } = await this.appTokenSessions.start();
      this.session = { ks, expiresAt: started + lifetime, lifetime };
      return ks;
    }
    const expiresAt = Math.floor(this.deps.now()) + config.sessionExpiry;
    const ks = config.sessionMode === 'local' ? this.sign(config, expiresAt) : await this.startRemotely(config);
    this.deps.masker.add(ks);
    this.session = { ks, expiresAt, lifetime: config.sessionExpiry };
    this.deps.log.debug('session ready', { mode: config.sessionMode, expiresAt });
    return ks;
  }

  private sign(config: SessionConfig, expiresAt: number): string {
    return signKsV2({
      adminSecret: config.adminSecret,
      partnerId: config.partnerId,
      userId: config.userId,
      type: config.sessionType,
      privileges: config.sessionPrivileges,
      // The expiry Kaltura checks is on its own clock.
      expiresAt: expiresAt + this.clockOffset,
    });
  }

  private async startRemotely(config: SessionConfig): Promise<string> {
    const connection = await this.deps.connect();
    const request = connection.lib.services.session.start(
      config.adminSecret,
      config.userId,
      config.sessionType,
      config.partnerId,
      config.sessionExpiry,
      config.sessionPrivileges,
    );
    let result: unknown;
    try {
      result = await connection.send(request, undefined, 'session.start');
    } catch (error) {
      if (error instanceof KalturaError && REFUSED_START.has(error.code)) {
        throw wrongCredentials(error, config.partnerId);
      }
      throw error;
    }
    if (typeof result !== 'string' || !looksLikeKs(result)) {
      throw invalidResponse('session.start did not return a session key');
    }
    return result;
  }
}

/** session.start's answers to a wrong secret, and to a partner that does not exist. */
const REFUSED_START = new Set(['START_SESSION_ERROR', 'SERVICE_FORBIDDEN_CONTENT_BLOCKED']);

/** Kaltura's refusal, followed by what to check: the most likely first-day mistake. */
function wrongCredentials(refusal: KalturaError, partnerId: number): KalturaError {
  return new KalturaError(
    refusal.code,
    `${refusal.message}: Kaltura did not accept KALTURA_ADMIN_SECRET for partner ${partnerId}; check that KALTURA_ADMIN_SECRET is that partner's admin secret (KMC > Settings > Integration Settings; not the user secret) and that KALTURA_PARTNER_ID is ${partnerId === 0 ? 'set' : 'right'}`,
    refusal.refusal,
  );
}

/**
 * A caller's own KS, as remote mode receives it with each request: used as is, never renewed.
 * When Kaltura refuses it, the caller is told to send a fresh one.
 */
export class CallerSession implements SessionSource {
  constructor(private readonly ks: string) {}

  current(): Promise<string> {
    return Promise.resolve(this.ks);
  }

  renew(_stale: string, refusal: KalturaError): Promise<string> {
    const reason = refusal.refusal && refusal.refusal !== 'INVALID_STR' ? ` (${refusal.refusal})` : '';
    return Promise.reject(
      new KalturaError(
        'INVALID_KS',
        `Kaltura refused the KS sent in the Authorization header${reason}; send a fresh, valid KS for your partner`,
        refusal.refusal,
      ),
    );
  }
}
