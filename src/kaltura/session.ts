/**
 * The server's own Kaltura session: a KS signed here with the admin secret (the default), one
 * from `session.start`, or a ready-made key from `KALTURA_KS`. Reused across calls, renewed
 * before it expires, and renewed once when Kaltura refuses it; concurrent callers share one
 * renewal.
 */
import type { SessionConfig } from './config.js';
import type { Connection } from './connection.js';
import type { KalturaLog, SecretMasker } from './deps.js';
import { invalidResponse, KalturaError } from './errors.js';
import { looksLikeKs, signKsV2 } from './ks.js';

/** Where a call's session key comes from. */
export interface SessionSource {
  /** The key to use now. */
  current(): Promise<string>;
  /** A new key after Kaltura refused `stale`; throws a worded {@link KalturaError} when there can be none. */
  renew(stale: string): Promise<string>;
}

/** Renew the session this long before it expires (the original's five minutes). */
const RENEW_MARGIN_SECONDS = 300;

interface Session {
  ks: string;
  /** Unix seconds. */
  expiresAt: number;
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

  constructor(private readonly deps: OwnSessionDeps) {}

  /** The key to use now: reused until five minutes before it expires (halfway, for short sessions). */
  async current(): Promise<string> {
    const session = this.session;
    const margin = Math.min(RENEW_MARGIN_SECONDS, this.deps.config().sessionExpiry / 2);
    if (session && session.expiresAt - margin > this.deps.now()) return session.ks;
    return this.renew(session?.ks);
  }

  /** Replaces the session `stale`; concurrent callers share one renewal. */
  renew(stale: string | undefined): Promise<string> {
    if (this.session && this.session.ks !== stale) return Promise.resolve(this.session.ks);
    this.pending ??= this.start().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async start(): Promise<string> {
    const config = this.deps.config();
    if (config.providedKs) return this.useProvidedKs(config.providedKs);
    const expiresAt = Math.floor(this.deps.now()) + config.sessionExpiry;
    const ks = config.sessionMode === 'local' ? this.sign(config, expiresAt) : await this.startRemotely(config);
    this.deps.masker.add(ks);
    this.session = { ks, expiresAt };
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
      expiresAt,
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
    const result = await connection.send(request, undefined, 'session.start');
    if (typeof result !== 'string' || !looksLikeKs(result)) {
      throw invalidResponse('session.start did not return a session key');
    }
    return result;
  }

  /** A ready-made key is used as is; once Kaltura has refused it, nothing here can make a new one. */
  private useProvidedKs(ks: string): string {
    if (this.session?.ks === ks) {
      throw new KalturaError(
        'INVALID_KS',
        'Kaltura refused the session key in KALTURA_KS (it has expired or was revoked); create a new one, set KALTURA_KS to it and restart the server',
      );
    }
    this.session = { ks, expiresAt: Number.POSITIVE_INFINITY };
    return ks;
  }
}
