/**
 * The server's session from an App Token, with no admin secret on the machine: a widget session
 * for the partner's default widget `_<partner id>` (which needs no credential), then
 * `appToken.startSession` with the token's hash over that widget KS. The token's value never
 * leaves this process: only its hash crosses the wire, and that hash is good with that one widget
 * KS only. Kaltura's refusals come back worded with what to change.
 */
import {
  APP_TOKEN_HASH_TYPES,
  appTokenHash,
  hashTypesToTry,
  ignoredSettings,
  type AppTokenConfig,
  type AppTokenHashType,
} from './app-token.js';
import { NEGLIGIBLE_SKEW_SECONDS, type Connection } from './connection.js';
import type { KalturaLog, SecretMasker } from './deps.js';
import { invalidResponse, KalturaError } from './errors.js';
import { looksLikeKs } from './ks.js';

/**
 * How long the widget session is asked to last, seconds. It only carries the hash to
 * `appToken.startSession`, right away; the session started from the token does not depend on it.
 */
const WIDGET_SESSION_SECONDS = 600;

/** A session started from the token. */
export interface AppTokenSession {
  ks: string;
  /** Seconds it is valid for from now, from the absolute expiry Kaltura answered. */
  lifetime: number;
}

/** What {@link AppTokenSessions} works with. */
interface AppTokenSessionsDeps {
  connect: () => Promise<Connection>;
  log: KalturaLog;
  masker: SecretMasker;
  /** Clock in unix seconds. */
  now: () => number;
}

/** Starts sessions from one App Token, remembering the hash type that worked. */
export class AppTokenSessions {
  private hashType: AppTokenHashType;
  /** The settings the token overrides are logged once, not at every renewal. */
  private reportedIgnored = false;

  constructor(
    private readonly token: AppTokenConfig,
    private readonly partnerId: number,
    private readonly deps: AppTokenSessionsDeps,
  ) {
    this.hashType = token.hashType;
  }

  /** A new session (two requests; more the first time if the hash type is not the configured one). */
  async start(): Promise<AppTokenSession> {
    const connection = await this.deps.connect();
    const widgetKs = await this.startWidgetSession(connection);
    const granted = await this.startSession(connection, widgetKs);
    const offset = connection.clockOffset() ?? 0;
    const kalturaNow = this.deps.now() + (Math.abs(offset) >= NEGLIGIBLE_SKEW_SECONDS ? offset : 0);
    const lifetime = Math.max(0, Math.floor(granted.expiry - kalturaNow));
    if (!this.reportedIgnored) {
      this.reportedIgnored = true;
      const ignored = ignoredSettings(this.token.ask, { ...granted, lifetime });
      if (ignored.length > 0) {
        this.deps.log.warn('the App Token fixes these session settings, so they are ignored', { ignored });
      }
    }
    this.deps.log.debug('App Token session ready', { appTokenId: this.token.id, lifetime });
    return { ks: granted.ks, lifetime };
  }

  private async startWidgetSession(connection: Connection): Promise<string> {
    const widgetId = `_${this.partnerId}`;
    const request = connection.lib.services.session.startWidgetSession(widgetId, WIDGET_SESSION_SECONDS);
    let answer: unknown;
    try {
      answer = await connection.send(request, undefined, 'session.startWidgetSession');
    } catch (error) {
      throw this.worded(error);
    }
    const ks = (answer as { ks?: unknown } | null)?.ks;
    if (typeof ks !== 'string' || !looksLikeKs(ks)) {
      throw invalidResponse('session.startWidgetSession did not return a session key');
    }
    this.deps.masker.add(ks);
    return ks;
  }

  /** `appToken.startSession`, trying the configured hash type first and then each other one once. */
  private async startSession(connection: Connection, widgetKs: string): Promise<GrantedAnswer> {
    const { id, token, ask } = this.token;
    const tried: AppTokenHashType[] = [];
    for (const hashType of hashTypesToTry(this.hashType)) {
      const hash = appTokenHash(hashType, widgetKs, token);
      this.deps.masker.add(hash);
      const request = connection.lib.services.appToken.startSession(
        id,
        hash,
        ask.userId ?? null,
        ask.type ?? null,
        ask.expiry ?? null,
        ask.privileges ?? null,
      );
      let answer: unknown;
      try {
        answer = await connection.send(request, widgetKs, 'appToken.startSession');
      } catch (error) {
        if (error instanceof KalturaError && error.code === 'INVALID_APP_TOKEN_HASH') {
          tried.push(hashType);
          continue;
        }
        throw this.worded(error);
      }
      const granted = asGranted(answer);
      this.deps.masker.add(granted.ks);
      if (tried.length > 0) this.learned(hashType, tried);
      return granted;
    }
    throw wrongValue(id);
  }

  /** The hash type that matched is not the one configured: use it from now on, and say how to set it. */
  private learned(hashType: AppTokenHashType, tried: AppTokenHashType[]): void {
    this.hashType = hashType;
    this.deps.log.warn(
      `the App Token's hash type is ${hashType}: set KALTURA_APP_TOKEN_HASH_TYPE=${hashType} to save a request at each session start`,
      { appTokenId: this.token.id, hashType, refused: tried },
    );
  }

  /** Kaltura's refusal, followed by what to change. */
  private worded(error: unknown): unknown {
    if (!(error instanceof KalturaError)) return error;
    const advice = ADVICE[error.code]?.(this.partnerId);
    return advice ? new KalturaError(error.code, `${error.message}: ${advice}`, error.refusal) : error;
  }
}

/** `appToken.startSession`'s KalturaSessionInfo, as far as this server reads it. */
interface GrantedAnswer {
  ks: string;
  /** Absolute, unix seconds on Kaltura's clock. */
  expiry: number;
  sessionType?: number;
  userId?: string;
  privileges?: string;
}

function asGranted(answer: unknown): GrantedAnswer {
  const info = (answer ?? {}) as Record<string, unknown>;
  if (typeof info.ks !== 'string' || !looksLikeKs(info.ks) || typeof info.expiry !== 'number') {
    throw invalidResponse('appToken.startSession did not return a session');
  }
  return {
    ks: info.ks,
    expiry: info.expiry,
    ...(typeof info.sessionType === 'number' ? { sessionType: info.sessionType } : {}),
    ...(typeof info.userId === 'string' || typeof info.userId === 'number' ? { userId: String(info.userId) } : {}),
    ...(typeof info.privileges === 'string' ? { privileges: info.privileges } : {}),
  };
}

const NEW_TOKEN =
  'make a new token (kaltura-mcp app-token create) and put the two lines it prints in the configuration, then restart the server';

/** What to change, after Kaltura's own words, for each refusal of an App Token session. */
const ADVICE: Record<string, (partnerId: number) => string> = {
  APP_TOKEN_ID_NOT_FOUND: (partnerId) =>
    `partner ${partnerId} has no App Token with the id in KALTURA_APP_TOKEN_ID (it was revoked, the id is mistyped, or the token is another partner's); check KALTURA_APP_TOKEN_ID and that KALTURA_PARTNER_ID is the token's partner, or ${NEW_TOKEN}`,
  APP_TOKEN_NOT_ACTIVE: (partnerId) =>
    `the App Token in KALTURA_APP_TOKEN_ID is disabled; ask an administrator of partner ${partnerId} to enable it, or ${NEW_TOKEN}`,
  APP_TOKEN_EXPIRED: () => `the App Token in KALTURA_APP_TOKEN_ID is past its expiry date; ${NEW_TOKEN}`,
  INVALID_WIDGET_ID: (partnerId) =>
    `Kaltura knows no partner ${partnerId} (an App Token session starts from the partner's widget _<partner id>); check that KALTURA_PARTNER_ID is your partner id (KMC > Settings > Integration Settings)`,
  START_WIDGET_SESSION_ERROR: () =>
    'Kaltura could not start the widget session an App Token session starts from; try again shortly, and check KALTURA_PARTNER_ID',
};

/** Every hash type was refused: the token exists and is active (Kaltura checks that first), so its value is wrong. */
function wrongValue(id: string): KalturaError {
  return new KalturaError(
    'INVALID_APP_TOKEN_HASH',
    `Invalid application token hash: Kaltura refused the hash of KALTURA_APP_TOKEN with every hash type (${APP_TOKEN_HASH_TYPES.join(', ')}), so the value is wrong; set KALTURA_APP_TOKEN to the value printed when App Token ${id} was made (not its id), or ${NEW_TOKEN}`,
  );
}
