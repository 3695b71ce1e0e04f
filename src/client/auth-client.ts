/**
 * The consumer under contract: a typed client for the facilioo auth routes, on undici.
 *
 * The hard part is the 401 path with one-time refresh tokens. Two refreshes with the same
 * refresh token spend it twice, and the second fails, so concurrent 401s must share ONE
 * in-flight refresh; a caller whose access token was already replaced (by another caller, or by
 * another process sharing a FileTokenStore) must not refresh at all; the rotated pair is stored
 * before anyone retries; and a failed refresh must reject every waiter and leave nothing behind
 * that blocks the next attempt.
 *
 * It takes everything as arguments and never reads the environment (src/target/ does that).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, Pool } from 'undici';
import { ConfigError } from '../errors.ts';
import {
  isRateLimitRejection,
  parseRetryAfter,
  type RejectStatus,
  type RouteHistory,
} from '../rate-limit/index.ts';
import { redactHeaders, redactText, redactValue, registerSecret } from '../redact/index.ts';
import { DEFAULT_OPTIONS, DEFAULT_PATHS, DEFAULT_PROTECTED_PATH, type RouteName } from '../target/types.ts';
import { ApiError, type FailedRequest, RefreshFailedError, TransportError } from './errors.ts';
import type { TokenPair, TokenStore } from './token-store.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Backoff for a rate-limited answer without Retry-After: 250 ms, 500 ms, 1 s, ... */
const BACKOFF_BASE_MS = 250;
/** Every wait counts at least this much, so `Retry-After: 0` forever still ends at the bound. */
const MIN_RATE_LIMIT_WAIT_MS = 50;
/** Keys under which an object-shaped `refreshToken` may carry the token string. */
export const REFRESH_TOKEN_OBJECT_KEYS = ['token', 'value', 'refreshToken'] as const;

/** One HTTP attempt as the client saw it, with secrets already redacted. */
export interface Exchange {
  method: string;
  url: string;
  route: RouteName | undefined;
  startedAt: string;
  durationMs: number;
  /** Undefined when no response arrived (see `error`). */
  status: number | undefined;
  request: { headers: Record<string, string | string[]>; body: unknown };
  response: { headers: Record<string, string | string[]>; body: unknown } | undefined;
  /** The TransportError message when there was no usable response. */
  error?: string;
  /** Rate limited: the client waits this long and then sends the request again. */
  retryAfterMs?: number;
  /** This attempt repeats a request that got 401, after the token pair was refreshed. */
  retryAfterRefresh?: boolean;
}

export interface AuthClientOptions {
  /** Route overrides; unset routes keep DEFAULT_PATHS. */
  paths?: Partial<Record<RouteName, string>>;
  /** The authenticated GET every party type may call (`requestProtected()`). */
  protectedPath?: string;
  /** `body`: `{ "refreshToken": "..." }` (DOC). `bearer`: `Authorization: Bearer <refresh token>`, no body (SEEN). */
  refreshTokenIn?: 'body' | 'bearer';
  /**
   * Shape of `refreshToken` in the refresh response: a string, or an object carrying the string
   * under `token`, `value` or `refreshToken`. Either way the client sends the string back, as
   * the DOC request table types it. A refresh response of the other shape is an error that says
   * which option to set. Login responses may use either shape.
   */
  refreshTokenShape?: 'string' | 'object';
  /** `number` sends `recoveryCode` as a JSON number (the hub types it int32). */
  recoveryCodeType?: 'string' | 'number';
  /** Headers and body-idle timeout per request. Default 10 s. */
  timeoutMs?: number;
  /** Use this dispatcher instead of the client's own connection pool (the caller closes it). */
  dispatcher?: Dispatcher;
  /** Called once per HTTP attempt, already redacted. Exceptions it throws are ignored. */
  onExchange?: (exchange: Exchange) => void;
  /** On a rate-limit rejection (see `rejection`), wait and retry while the total wait stays within the bound. Default 0: off. */
  rateLimit?: { maxTotalWaitMs: number };
  /**
   * How the target's limiter rejects (src/rate-limit): its declared status, and the routes that
   * admitted requests before (a bare 503 after admissions is the limiter, not an outage).
   * Default: 429, or 503 with Retry-After.
   */
  rejection?: { declaredStatus?: RejectStatus | undefined; history?: RouteHistory | undefined };
}

export interface ApiResponse<T = unknown> {
  status: number;
  /** Response headers as received (not redacted: they are the caller's). */
  headers: Record<string, string | string[]>;
  /** Parsed JSON body; undefined when the body was empty. */
  body: T;
  request: FailedRequest;
  durationMs: number;
}

export interface LoginInput {
  email: string;
  password: string;
  /** Default true: an automated suite cannot answer a second factor. */
  skipMultiFactorAuthentication?: boolean;
}

export interface RequestOptions {
  body?: unknown;
  /**
   * Extra headers. An `authorization` header here is sent as given and switches off the
   * 401 → refresh → retry handling (for checks that send a bad token on purpose).
   */
  headers?: Record<string, string>;
}

interface Call {
  method: string;
  path: string;
  route: RouteName | undefined;
  body?: unknown;
  headers?: Record<string, string>;
  bearer?: string | undefined;
  retryAfterRefresh?: boolean;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[]>;
  text: string;
  /** Parsed JSON; undefined for an empty body or a body that is not JSON (see `jsonError`). */
  json: unknown;
  jsonError: boolean;
  durationMs: number;
  request: FailedRequest;
}

const TRANSPORT_CODES: Record<
  string,
  { kind: 'timeout' | 'connection'; what: (timeoutMs: number) => string }
> = {
  UND_ERR_HEADERS_TIMEOUT: { kind: 'timeout', what: (ms) => `no response headers within ${ms} ms` },
  UND_ERR_BODY_TIMEOUT: {
    kind: 'timeout',
    what: (ms) => `the response body did not complete within ${ms} ms`,
  },
  UND_ERR_CONNECT_TIMEOUT: { kind: 'timeout', what: () => 'could not connect in time' },
  UND_ERR_SOCKET: { kind: 'connection', what: () => 'the connection closed before a complete response' },
  ECONNRESET: { kind: 'connection', what: () => 'the connection was reset' },
  EPIPE: { kind: 'connection', what: () => 'the connection was reset' },
  ECONNREFUSED: { kind: 'connection', what: () => 'connection refused — is the server running?' },
  ENOTFOUND: { kind: 'connection', what: () => 'host not found' },
  EAI_AGAIN: { kind: 'connection', what: () => 'host not found (DNS lookup failed)' },
};

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export class AuthClient {
  readonly baseUrl: string;
  readonly tokenStore: TokenStore;
  readonly paths: Readonly<Record<RouteName, string>>;
  readonly protectedPath: string;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #timeoutMs: number;
  readonly #refreshTokenIn: 'body' | 'bearer';
  readonly #refreshTokenShape: 'string' | 'object';
  readonly #recoveryCodeType: 'string' | 'number';
  readonly #maxRateLimitWaitMs: number;
  readonly #rejection: NonNullable<AuthClientOptions['rejection']>;
  readonly #onExchange: ((exchange: Exchange) => void) | undefined;
  /** The one refresh in flight, shared by every caller that got a 401 meanwhile. */
  #flight: Promise<TokenPair> | undefined;

  constructor(init: { baseUrl: string; tokenStore: TokenStore; options?: AuthClientOptions }) {
    let url: URL;
    try {
      url = new URL(init.baseUrl);
    } catch {
      throw new ConfigError(`not a URL: ${JSON.stringify(redactText(init.baseUrl))}`, {
        field: 'baseUrl',
        hint: 'use an absolute http(s) URL such as https://staging-api.facilioo.de',
      });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError(`expected an http(s) URL, got ${url.protocol}`, { field: 'baseUrl' });
    }
    const options = init.options ?? {};
    this.baseUrl = init.baseUrl;
    this.tokenStore = init.tokenStore;
    this.paths = { ...DEFAULT_PATHS, ...options.paths };
    this.protectedPath = options.protectedPath ?? DEFAULT_PROTECTED_PATH;
    this.#origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#refreshTokenIn = options.refreshTokenIn ?? DEFAULT_OPTIONS.refreshTokenIn;
    this.#refreshTokenShape = options.refreshTokenShape ?? DEFAULT_OPTIONS.refreshTokenShape;
    this.#recoveryCodeType = options.recoveryCodeType ?? DEFAULT_OPTIONS.recoveryCodeType;
    this.#maxRateLimitWaitMs = options.rateLimit?.maxTotalWaitMs ?? 0;
    this.#rejection = options.rejection ?? {};
    this.#onExchange = options.onExchange;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Pool(this.#origin);
  }

  /** Closes the client's own connection pool (an injected dispatcher is the caller's to close). */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  // -------------------------------------------------------------------------------------------
  // Routes

  /** Logs in and stores the pair. */
  async login(input: LoginInput): Promise<TokenPair> {
    registerSecret(input.password);
    const call: Call = {
      method: 'POST',
      path: this.paths.login,
      route: 'login',
      body: {
        email: input.email,
        password: input.password,
        skipMultiFactorAuthentication: input.skipMultiFactorAuthentication ?? true,
      },
    };
    const response = this.#ok(await this.#send(call));
    const pair = this.#tokenPair(response, 'either');
    await this.tokenStore.save(pair);
    return pair;
  }

  /**
   * Spends a refresh token (the stored one unless given) and stores the new pair. A rejected
   * refresh throws the ApiError as is; this call never triggers another refresh.
   */
  async refresh(refreshToken?: string): Promise<TokenPair> {
    if (refreshToken !== undefined) return this.#refreshWith(refreshToken);
    // A refresh triggered by a 401 may be spending the stored token right now.
    await this.#flight?.catch(() => undefined);
    const stored = await this.tokenStore.load();
    if (!stored) {
      throw new RefreshFailedError(
        this.#requestInfo('POST', this.paths.refresh, 'refresh'),
        undefined,
        'the token store holds no refresh token',
      );
    }
    return this.#refreshWith(stored.refreshToken);
  }

  async recoverPassword(email: string): Promise<ApiResponse> {
    return this.#anonymous({
      method: 'POST',
      path: this.paths.recoverPassword,
      route: 'recoverPassword',
      body: { email },
    });
  }

  async changePasswordWithRecoveryCode(input: {
    email: string;
    password: string;
    recoveryCode: string | number;
  }): Promise<ApiResponse> {
    registerSecret(input.password);
    registerSecret(String(input.recoveryCode));
    return this.#anonymous({
      method: 'PUT',
      path: this.paths.changePasswordWithRecoveryCode,
      route: 'changePasswordWithRecoveryCode',
      body: {
        email: input.email,
        password: input.password,
        recoveryCode: this.#recoveryCode(input.recoveryCode),
      },
    });
  }

  /** Authenticated: a 401 refreshes the pair once and retries once. */
  async unblockRecoveryCode(email: string): Promise<ApiResponse> {
    return this.#authorized({
      method: 'POST',
      path: this.paths.unblockRecoveryCode,
      route: 'unblockRecoveryCode',
      body: { email },
    });
  }

  /** An authenticated call to any path under the base URL; a 401 refreshes once and retries once. */
  async request<T = unknown>(
    method: string,
    path: string,
    init: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const call: Call = { method: method.toUpperCase(), path, route: undefined, body: init.body };
    if (init.headers) call.headers = init.headers;
    const manual = Object.keys(init.headers ?? {}).some((name) => name.toLowerCase() === 'authorization');
    return (manual ? this.#anonymous(call) : this.#authorized(call)) as Promise<ApiResponse<T>>;
  }

  /** GET the target's protected path (every party type may call it). */
  async requestProtected<T = unknown>(): Promise<ApiResponse<T>> {
    return this.request<T>('GET', this.protectedPath);
  }

  // -------------------------------------------------------------------------------------------
  // The 401 path

  async #authorized(call: Call): Promise<ApiResponse> {
    const pair = await this.tokenStore.load();
    const first = await this.#send({ ...call, bearer: pair?.accessToken });
    // Without a stored pair there is nothing to refresh: the 401 is the answer.
    if (first.status !== 401 || !pair) return this.#ok(first);
    const renewed = await this.#renewAfter401(pair.accessToken, first.request);
    // Retried once: a second 401 is the answer, never another refresh.
    return this.#ok(await this.#send({ ...call, bearer: renewed.accessToken, retryAfterRefresh: true }));
  }

  #renewAfter401(staleAccessToken: string, trigger: FailedRequest): Promise<TokenPair> {
    if (!this.#flight) {
      const flight = this.#runRefreshFlight(staleAccessToken, trigger);
      this.#flight = flight;
      // Cleared however it ends, so a failure cannot wedge later callers.
      const clear = () => {
        if (this.#flight === flight) this.#flight = undefined;
      };
      flight.then(clear, clear);
    }
    return this.#flight;
  }

  async #runRefreshFlight(staleAccessToken: string, trigger: FailedRequest): Promise<TokenPair> {
    const current = await this.tokenStore.load();
    // Someone (this process or another one sharing the store) refreshed since our request went out.
    if (current && current.accessToken !== staleAccessToken) return current;
    if (!current) throw new RefreshFailedError(trigger, undefined, 'the token store was cleared meanwhile');
    try {
      return await this.#refreshWith(current.refreshToken);
    } catch (error) {
      if (error instanceof ApiError) {
        // Lost a race with another process sharing the store: its rotated pair is ours too.
        const after = await this.tokenStore.load().catch(() => undefined);
        if (after && after.refreshToken !== current.refreshToken) return after;
      }
      // One instance for every waiter: they all share this promise.
      throw new RefreshFailedError(
        error instanceof ApiError || error instanceof TransportError ? error.request : trigger,
        error,
      );
    }
  }

  async #refreshWith(refreshToken: string): Promise<TokenPair> {
    registerSecret(refreshToken);
    const call: Call =
      this.#refreshTokenIn === 'bearer'
        ? { method: 'POST', path: this.paths.refresh, route: 'refresh', bearer: refreshToken }
        : { method: 'POST', path: this.paths.refresh, route: 'refresh', body: { refreshToken } };
    const response = this.#ok(await this.#send(call));
    const pair = this.#tokenPair(response, this.#refreshTokenShape);
    // Durable before anyone retries with it: the old refresh token is already spent.
    await this.tokenStore.save(pair);
    return pair;
  }

  // -------------------------------------------------------------------------------------------
  // Bodies

  #tokenPair(response: ApiResponse, shape: 'string' | 'object' | 'either'): TokenPair {
    const fail = (what: string) =>
      new TransportError({
        request: response.request,
        kind: 'malformed-response',
        status: response.status,
        what,
      });
    const body = response.body;
    if (!isObject(body)) throw fail('the body is not a JSON object with accessToken and refreshToken');
    if (body.twoFactorRequired === true && body.accessToken === undefined) {
      throw fail('the login asks for a second factor (twoFactorRequired); use an account without MFA');
    }
    const { accessToken, refreshToken } = body;
    if (typeof accessToken !== 'string' || accessToken === '')
      throw fail('accessToken is not a non-empty string');
    registerSecret(accessToken);
    let token: unknown = refreshToken;
    if (typeof refreshToken === 'string') {
      if (shape === 'object') {
        throw fail(
          'refreshToken is a string, but refreshTokenShape is "object" — set the option to "string"',
        );
      }
    } else if (isObject(refreshToken)) {
      if (shape === 'string') {
        throw fail(
          'refreshToken is an object, but refreshTokenShape is "string" — set the option to "object"',
        );
      }
      const key = REFRESH_TOKEN_OBJECT_KEYS.find((candidate) => typeof refreshToken[candidate] === 'string');
      if (!key) {
        throw fail(
          `refreshToken is an object without a string under ${REFRESH_TOKEN_OBJECT_KEYS.join(', ')}`,
        );
      }
      token = refreshToken[key];
    }
    if (typeof token !== 'string' || token === '') throw fail('refreshToken is missing or empty');
    registerSecret(token);
    return { accessToken, refreshToken: token };
  }

  #recoveryCode(code: string | number): string | number {
    if (this.#recoveryCodeType === 'string') return String(code);
    if (typeof code === 'number') return code;
    // The code itself must not appear in the message.
    if (!/^\d{1,9}$/.test(code))
      throw new TypeError('recoveryCodeType is "number" but the recovery code is not digits');
    return Number(code);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP

  async #anonymous(call: Call): Promise<ApiResponse> {
    return this.#ok(await this.#send(call));
  }

  #ok(raw: RawResponse): ApiResponse {
    if (raw.status < 200 || raw.status > 299) {
      throw new ApiError({
        request: raw.request,
        status: raw.status,
        problem: raw.json,
        headers: raw.headers,
        // Not a problem object (HTML from a proxy, a bare string): keep the text for the message.
        ...(raw.jsonError || (raw.text.trim() !== '' && !isObject(raw.json)) ? { bodyText: raw.text } : {}),
      });
    }
    if (raw.jsonError) {
      throw new TransportError({
        request: raw.request,
        kind: 'malformed-response',
        status: raw.status,
        what: `the body is not valid JSON (${raw.headers['content-type'] ?? 'no content-type'}, ${raw.text.length} characters)`,
      });
    }
    return {
      status: raw.status,
      headers: raw.headers,
      body: raw.json,
      request: raw.request,
      durationMs: raw.durationMs,
    };
  }

  #requestInfo(method: string, path: string, route: RouteName | undefined): FailedRequest {
    return {
      method,
      url: `${this.#origin}${this.#basePath}${path.startsWith('/') ? '' : '/'}${path}`,
      route,
    };
  }

  /** Sends one call, waiting out rate limits within the configured bound. */
  async #send(call: Call): Promise<RawResponse> {
    let waitedMs = 0;
    for (let attempt = 0; ; attempt++) {
      const { raw, exchange } = await this.#attempt(call);
      const wait = this.#rateLimitWait(raw, call, attempt);
      if (wait !== undefined && waitedMs + wait <= this.#maxRateLimitWaitMs) {
        exchange.retryAfterMs = wait;
        this.#emit(exchange);
        waitedMs += wait;
        await sleep(wait);
        continue;
      }
      this.#emit(exchange);
      return raw;
    }
  }

  #rateLimitWait(raw: RawResponse, call: Call, attempt: number): number | undefined {
    const retryAfterSeconds = parseRetryAfter(raw.headers['retry-after'], Date.now());
    const route = call.route ?? call.path;
    const limited = isRateLimitRejection({
      status: raw.status,
      retryAfterSeconds,
      declaredStatus: this.#rejection.declaredStatus,
      admittedBefore: this.#rejection.history?.hasAdmitted(route),
    });
    if (!limited && raw.status < 500) this.#rejection.history?.admitted(route);
    if (!limited || this.#maxRateLimitWaitMs <= 0) return undefined;
    const retryAfterMs = retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000;
    return Math.max(MIN_RATE_LIMIT_WAIT_MS, retryAfterMs ?? BACKOFF_BASE_MS * 2 ** attempt);
  }

  #emit(exchange: Exchange): void {
    if (!this.#onExchange) return;
    try {
      this.#onExchange(exchange);
    } catch {
      // A broken trace callback must not abort a refresh between rotation and save.
    }
  }

  async #attempt(call: Call): Promise<{ raw: RawResponse; exchange: Exchange }> {
    const request = this.#requestInfo(call.method, call.path, call.route);
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: string | undefined;
    if (call.body !== undefined) {
      body = JSON.stringify(call.body);
      headers['content-type'] = 'application/json';
    }
    if (call.bearer !== undefined) headers.authorization = `Bearer ${call.bearer}`;
    Object.assign(headers, call.headers);

    const startedAt = new Date();
    const started = performance.now();
    const exchange: Exchange = {
      method: call.method,
      url: redactText(request.url),
      route: call.route,
      startedAt: startedAt.toISOString(),
      durationMs: 0,
      status: undefined,
      request: { headers: redactHeaders(headers), body: redactValue(call.body) },
      response: undefined,
    };
    if (call.retryAfterRefresh) exchange.retryAfterRefresh = true;

    let status: number;
    let responseHeaders: Record<string, string | string[]>;
    let text: string;
    // undici's own headers/body timeouts tick at one-second resolution; this native timer makes
    // a 200 ms timeout fire after 200 ms. It runs once for the headers, once for the body.
    const abort = new AbortController();
    let phase: 'headers' | 'body' = 'headers';
    let timedOut: 'headers' | 'body' | undefined;
    const arm = () =>
      setTimeout(() => {
        timedOut = phase;
        abort.abort();
      }, this.#timeoutMs);
    let timer = arm();
    try {
      const url = new URL(request.url);
      const response = await this.#dispatcher.request({
        origin: this.#origin,
        path: url.pathname + url.search,
        method: call.method as Dispatcher.HttpMethod,
        headers,
        body,
        signal: abort.signal,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      clearTimeout(timer);
      phase = 'body';
      timer = arm();
      status = response.statusCode;
      responseHeaders = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) responseHeaders[name.toLowerCase()] = value;
      }
      text = await response.body.text();
    } catch (error) {
      const code =
        timedOut === 'headers'
          ? 'UND_ERR_HEADERS_TIMEOUT'
          : timedOut === 'body'
            ? 'UND_ERR_BODY_TIMEOUT'
            : errorCode(error);
      const known = TRANSPORT_CODES[code ?? ''];
      const transportError = new TransportError({
        request,
        kind: known?.kind ?? 'connection',
        what:
          known?.what(this.#timeoutMs) ?? `the request failed: ${(error as Error)?.message ?? String(error)}`,
        cause: error,
      });
      exchange.durationMs = performance.now() - started;
      exchange.error = transportError.message;
      this.#emit(exchange);
      throw transportError;
    } finally {
      clearTimeout(timer);
    }

    const durationMs = performance.now() - started;
    let json: unknown;
    let jsonError = false;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        jsonError = true;
      }
    }
    exchange.durationMs = durationMs;
    exchange.status = status;
    exchange.response = {
      headers: redactHeaders(responseHeaders),
      body: jsonError ? redactText(text.slice(0, 2000)) : redactValue(json),
    };
    return {
      raw: { status, headers: responseHeaders, text, json, jsonError, durationMs, request },
      exchange,
    };
  }
}
