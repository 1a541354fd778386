/**
 * KalturaClientManager: the one door to Kaltura. It owns the configuration, the connection and
 * the session, sends every request, and turns every failure into a {@link KalturaError} whose
 * text holds no secret.
 */
import {
  ConfigError,
  ignoredEnvFileNote,
  readConfig,
  readConnectionConfig,
  type ConnectionConfig,
  type KalturaConfig,
} from './config.js';
import { openConnection, type Connection, type KalturaRequest } from './connection.js';
import { alsoMasking, type KalturaLog, type SecretMasker } from './deps.js';
import { asKalturaError, FailureCode, invalidResponse, isSessionError, KalturaError } from './errors.js';
import { CallerSession, OwnSession, type SessionSource } from './session.js';

/** One slot of a multirequest answer: Kaltura answers each sub-request on its own. */
export type MultiResult = { ok: true; value: unknown } | { ok: false; error: KalturaError };

/** Counts the HTTP requests made for one tool call (for its log line). */
export interface RequestStats {
  requests: number;
}

/** What one tool call's door is bound to. */
export interface CallScope {
  /** Counts the call's HTTP requests. */
  stats?: RequestStats;
  /** Aborts the call's requests when the client cancels it. */
  signal?: AbortSignal;
  /** The caller's own KS (remote mode): used as is, instead of the server's session. */
  ks?: string;
}

type BoundCall = Omit<CallScope, 'ks'> & { stats: RequestStats; session: SessionSource };

/** The door to Kaltura as a tool sees it: one request, or several in one round trip. */
export interface KalturaDoor {
  call(request: KalturaRequest): Promise<unknown>;
  /**
   * Several requests in one HTTP round trip. Later requests may use `{N:result:path}`
   * references to earlier ones (N counts from 1). Each slot succeeds or fails on its own.
   */
  multi(requests: KalturaRequest[]): Promise<MultiResult[]>;
}

/** Options for {@link KalturaClientManager}. */
interface ClientManagerOptions {
  env: Record<string, string | undefined>;
  log: KalturaLog;
  masker: SecretMasker;
  /** Clock in unix seconds; tests move it. */
  now?: () => number;
  /** A problem found before any configuration was read (an unreadable KALTURA_ENV_FILE): every call reports it. */
  configProblem?: string;
  /**
   * A `.env` in the working directory that was not read: a failure of the server's own
   * configuration or session names it and says how to use it (the settings may be in it).
   */
  ignoredEnvFile?: string;
}

/** The one door to Kaltura: configuration, session, HTTP, error translation. */
export class KalturaClientManager {
  private config?: KalturaConfig;
  private connectionConfig?: ConnectionConfig;
  private connection?: Promise<Connection>;
  private readonly session: SessionSource;

  constructor(private readonly options: ClientManagerOptions) {
    this.session = new OwnSession({
      config: () => this.getConfig(),
      connect: () => this.connect(),
      log: options.log,
      masker: options.masker,
      now: options.now ?? (() => Date.now() / 1000),
    });
  }

  /**
   * The configuration of the server's own session and connection, read at first use; a problem
   * becomes a CONFIGURATION_ERROR naming the variable.
   */
  private getConfig(): KalturaConfig {
    if (!this.config) {
      // Every credential set is masked, the ones set but not used too.
      const { env } = this.options;
      for (const name of ['KALTURA_ADMIN_SECRET', 'KALTURA_KS', 'KALTURA_APP_TOKEN']) {
        this.options.masker.add(env[name]?.trim());
      }
      this.config = configured(() => readConfig(env), this.options.configProblem);
      this.options.masker.add(this.config.adminSecret);
      this.options.masker.add(this.config.providedKs);
      this.options.masker.add(this.config.appToken?.token);
      const { appToken } = this.config;
      this.options.log.debug('configuration loaded', {
        serviceUrl: this.config.serviceUrl,
        partnerId: this.config.partnerId,
        ...(appToken
          ? { session: 'app token', appTokenId: appToken.id, hashType: appToken.hashType, asked: appToken.ask }
          : {
              userId: this.config.userId,
              session: this.config.providedKs ? 'KALTURA_KS' : this.config.sessionMode,
              sessionType: this.config.sessionType,
              privileges: this.config.sessionPrivileges,
            }),
        adminSecret: this.config.adminSecret ? 'SET' : 'NOT SET',
      });
    }
    return this.config;
  }

  /**
   * A door for one tool call: its requests counted into `scope.stats`, cancelled by
   * `scope.signal`, made with the caller's `scope.ks` if given, else the server's own session.
   */
  forCall(scope: CallScope = {}): KalturaDoor {
    const call: BoundCall = {
      stats: scope.stats ?? { requests: 0 },
      signal: scope.signal,
      session: scope.ks ? new CallerSession(scope.ks) : this.session,
    };
    return {
      call: (request) => this.call(request, call).catch((error: unknown) => this.configurationFailure(error)),
      multi: (requests) => this.multi(requests, call).catch((error: unknown) => this.configurationFailure(error)),
    };
  }

  /**
   * The server's own session key, started (or reused) as a tool call would: for a terminal
   * command that hands it to a person (`app-token session`), never for a log or an answer.
   */
  ownSessionKs(): Promise<string> {
    return this.fromSession(this.session, () => this.session.current()).catch((error: unknown) =>
      this.configurationFailure(error),
    );
  }

  /** Whether the server's own credential is an App Token (as readConfig reads it); throws as reading it does. */
  usesAppToken(): boolean {
    return this.getConfig().appToken !== undefined;
  }

  /** A CONFIGURATION_ERROR, noting the working directory's `.env` that was not read (see {@link withEnvFileNote}). */
  private configurationFailure(error: unknown): never {
    throw error instanceof KalturaError && error.code === FailureCode.CONFIGURATION_ERROR
      ? this.withEnvFileNote(error)
      : error;
  }

  /**
   * A failure of the server's own configuration or session, with the note about the working
   * directory's `.env` that was not read (where the missing or right settings may well be).
   */
  private withEnvFileNote(error: KalturaError): KalturaError {
    const file = this.options.ignoredEnvFile;
    if (!file) return error;
    return new KalturaError(
      error.code,
      `${error.message}; ${ignoredEnvFileNote(file)}`,
      error.refusal,
      error.apiException,
    );
  }

  private async call(build: KalturaRequest, scope: BoundCall): Promise<unknown> {
    return this.withSession(scope.session, async (ks) => {
      const connection = await this.connect();
      const request = build(connection.lib);
      scope.stats.requests += 1;
      return connection.send(request, ks, `${request.service}.${request.action}`, scope.signal);
    });
  }

  private async multi(builds: KalturaRequest[], scope: BoundCall): Promise<MultiResult[]> {
    return this.withSession(
      scope.session,
      async (ks) => {
        const connection = await this.connect();
        const requests = builds.map((build) => build(connection.lib));
        scope.stats.requests += 1;
        const raw = await connection.send(connection.multiRequest(requests), ks, 'multirequest', scope.signal);
        if (!Array.isArray(raw) || raw.length !== requests.length) {
          throw invalidResponse('the multirequest answer is not one result per request');
        }
        const masking = alsoMasking(this.options.masker, ks);
        return raw.map((value): MultiResult => {
          const error = asKalturaError(value, masking);
          return error ? { ok: false, error } : { ok: true, value };
        });
      },
      (results) =>
        results.find((r): r is { ok: false; error: KalturaError } => !r.ok && isSessionError(r.error))?.error,
    );
  }

  /**
   * Runs `attempt` with the current session. If Kaltura refuses the session (INVALID_KS, as an
   * error or, for a multirequest, inside the answer), renews it once and tries again.
   */
  private async withSession<T>(
    session: SessionSource,
    attempt: (ks: string) => Promise<T>,
    refusedIn?: (outcome: T) => KalturaError | undefined,
  ): Promise<T> {
    const ks = await this.fromSession(session, () => session.current());
    let refusal: KalturaError | undefined;
    try {
      const outcome = await attempt(ks);
      refusal = refusedIn?.(outcome);
      if (!refusal) return outcome;
    } catch (error) {
      if (!(error instanceof KalturaError) || !isSessionError(error)) throw error;
      refusal = error;
    }
    this.options.log.info('Kaltura refused the session key', { reason: refusal.refusal });
    const stale = refusal;
    return attempt(await this.fromSession(session, () => session.renew(ks, stale)));
  }

  /**
   * A session key from `session`; when the server's own cannot be had (its credential refused),
   * the failure notes the working directory's `.env` that was not read. A configuration error
   * is noted once, on its way out of the door.
   */
  private async fromSession(session: SessionSource, key: () => Promise<string>): Promise<string> {
    try {
      return await key();
    } catch (error) {
      const own = session === this.session && error instanceof KalturaError;
      throw own && error.code !== FailureCode.CONFIGURATION_ERROR ? this.withEnvFileNote(error) : error;
    }
  }

  /** Loads kaltura-client on first use, keeping it off the start-up path. */
  private connect(): Promise<Connection> {
    this.connectionConfig ??= configured(() => readConnectionConfig(this.options.env), this.options.configProblem);
    this.connection ??= openConnection(this.connectionConfig, this.options.log, this.options.masker);
    return this.connection;
  }
}

/** A configuration read, its problem (or one known before) as a CONFIGURATION_ERROR naming the variable. */
function configured<T>(read: () => T, knownProblem?: string): T {
  try {
    if (knownProblem) throw new ConfigError(knownProblem);
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new KalturaError(FailureCode.CONFIGURATION_ERROR, error.message);
    throw error;
  }
}
