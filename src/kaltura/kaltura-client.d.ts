/**
 * The slice of kaltura-client (untyped CommonJS) that this server uses. Deep imports keep its
 * ~96k-line model file out of memory: requests are built from plain objects carrying `objectType`,
 * which serialise exactly as the generated model classes do.
 */
declare module 'kaltura-client/KalturaClientBase.js' {
  export class ILogger {
    log(msg: string): void;
    error(msg: string): void;
    debug(msg: string): void;
  }
  export class Configuration {
    serviceUrl: string;
    serviceBase: string;
    timeout: number;
    setLogger(logger: { log(msg: string): void; debug(msg: string): void; error(msg: string): void }): void;
  }
  export class RequestData {
    requestData: Record<string, unknown>;
    setKs(ks: string): this;
    setClientTag(tag: string): this;
    setApiVersion(version: string): this;
  }
  export class RequestBuilder extends RequestData {
    constructor(service?: string | null, action?: string | null, data?: Record<string, unknown> | null);
    service: string;
    action: string;
    data: Record<string, unknown>;
    getData(sign?: boolean): Record<string, unknown>;
    getUrl(client: ClientBase): string;
    sign(): void;
    execute(client: ClientBase): Promise<unknown>;
  }
  export class ClientBase extends RequestData {
    constructor(config: Configuration);
    config: Configuration;
    /** The axios instance kaltura-client posts through; we tune its parsing and deadline. */
    axios: {
      defaults: { transformResponse: unknown; responseType?: string };
      interceptors: {
        request: { use(fn: (config: { signal?: AbortSignal }) => { signal?: AbortSignal }): number };
        response: {
          use(
            onAnswer: (response: { status: number; headers: Record<string, unknown>; data: unknown }) => unknown,
          ): number;
        };
      };
    };
  }
}

declare module 'kaltura-client/KalturaServices.js' {
  import type { RequestBuilder } from 'kaltura-client/KalturaClientBase.js';
  type Params = Record<string, unknown> | null;
  export const baseEntry: {
    get(entryId: string, version?: number): RequestBuilder;
    listAction(filter?: Params, pager?: Params): RequestBuilder;
  };
  export const category: {
    get(id: number): RequestBuilder;
  };
  export const captionAsset: {
    listAction(filter?: Params, pager?: Params): RequestBuilder;
    getUrl(id: string, storageId?: number | null): RequestBuilder;
  };
  export const media: {
    get(entryId: string, version?: number): RequestBuilder;
    listAction(filter?: Params, pager?: Params): RequestBuilder;
  };
  export const flavorAsset: {
    listAction(filter?: Params, pager?: Params): RequestBuilder;
    getUrl(id: string, storageId?: number | null, forceProxy?: boolean, options?: Params): RequestBuilder;
  };
  export const session: {
    start(
      secret: string,
      userId?: string,
      type?: number,
      partnerId?: number | null,
      expiry?: number,
      privileges?: string | null,
    ): RequestBuilder;
    startWidgetSession(widgetId: string, expiry?: number): RequestBuilder;
  };
  export const appToken: {
    add(appToken: Params): RequestBuilder;
    get(id: string): RequestBuilder;
    listAction(filter?: Params, pager?: Params): RequestBuilder;
    deleteAction(id: string): RequestBuilder;
    startSession(
      id: string,
      tokenHash: string,
      userId?: string | null,
      type?: number | null,
      expiry?: number | null,
      sessionPrivileges?: string | null,
    ): RequestBuilder;
  };
}
