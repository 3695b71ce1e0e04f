/**
 * The consumer under contract: a typed client for the facilioo auth routes. It is the routes
 * only; the parts it is built from each do one job:
 *
 * - transport.ts — one call on the wire: timeouts, transport errors, tracing, rate-limit waits,
 *   and the one place secrets are registered with src/redact/;
 * - refresh.ts — the single-flight refresh behind the 401 path (one-time refresh tokens);
 * - bodies.ts — what an answer's body means: ApiError, token pair, recovery code on the wire.
 *
 * It takes everything as arguments and never reads the environment (src/target/ does that).
 */
import type { Dispatcher } from 'undici';
import { ConfigError } from '../errors.ts';
import { redactText } from '../redact/index.ts';
import { DEFAULT_OPTIONS, DEFAULT_PATHS, DEFAULT_PROTECTED_PATH, type RouteName } from '../target/types.ts';
import { type ApiResponse, apiResponse, parseTokenPair, recoveryCodeValue } from './bodies.ts';
import { RefreshFailedError } from './errors.ts';
import type { RejectionReading } from './rate-limit.ts';
import { RefreshCoordinator } from './refresh.ts';
import type { TokenPair, TokenStore } from './token-store.ts';
import { type Call, type Exchange, Transport } from './transport.ts';

export interface AuthClientOptions {
  /** Route overrides; unset routes keep DEFAULT_PATHS. */
  paths?: Partial<Record<RouteName, string>>;
  /** The authenticated GET every party type may call (`requestProtected()`). */
  protectedPath?: string;
  /** `body`: `{ "refreshToken": "..." }` (DOC). `bearer`: `Authorization: Bearer <refresh token>`, no body (SEEN). */
  refreshTokenIn?: 'body' | 'bearer';
  /**
   * Shape of `refreshToken` in the refresh response: a string, or an object carrying the string
   * under `refreshTokenKey`. Either way the client sends the string back, as
   * the DOC request table types it. A refresh response of the other shape is an error that says
   * which option to set. Login responses may use either shape.
   */
  refreshTokenShape?: 'string' | 'object';
  /** The member of an object-shaped refresh token that carries the string. Default `token`. */
  refreshTokenKey?: string;
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
  rejection?: RejectionReading;
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

export class AuthClient {
  readonly baseUrl: string;
  readonly tokenStore: TokenStore;
  readonly paths: Readonly<Record<RouteName, string>>;
  readonly protectedPath: string;
  readonly #transport: Transport;
  readonly #refreshes: RefreshCoordinator;
  readonly #refreshTokenIn: 'body' | 'bearer';
  readonly #refreshTokenShape: 'string' | 'object';
  readonly #refreshTokenKey: string;
  readonly #recoveryCodeType: 'string' | 'number';

  constructor(init: { baseUrl: string; tokenStore: TokenStore; options?: AuthClientOptions }) {
    const options = init.options ?? {};
    this.baseUrl = init.baseUrl;
    this.tokenStore = init.tokenStore;
    this.paths = { ...DEFAULT_PATHS, ...options.paths };
    this.protectedPath = options.protectedPath ?? DEFAULT_PROTECTED_PATH;
    this.#refreshTokenIn = options.refreshTokenIn ?? DEFAULT_OPTIONS.refreshTokenIn;
    this.#refreshTokenShape = options.refreshTokenShape ?? DEFAULT_OPTIONS.refreshTokenShape;
    this.#refreshTokenKey = options.refreshTokenKey ?? DEFAULT_OPTIONS.refreshTokenKey;
    this.#recoveryCodeType = options.recoveryCodeType ?? DEFAULT_OPTIONS.recoveryCodeType;
    this.#transport = new Transport(httpUrl(init.baseUrl), {
      timeoutMs: options.timeoutMs,
      dispatcher: options.dispatcher,
      onExchange: options.onExchange,
      maxRateLimitWaitMs: options.rateLimit?.maxTotalWaitMs,
      rejection: options.rejection,
    });
    this.#refreshes = new RefreshCoordinator(this.tokenStore, (token) => this.#refreshWith(token));
  }

  /** Closes the client's own connection pool (an injected dispatcher is the caller's to close). */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  /** Logs in and stores the pair. */
  async login(input: LoginInput): Promise<TokenPair> {
    const body = {
      email: input.email,
      password: input.password,
      skipMultiFactorAuthentication: input.skipMultiFactorAuthentication ?? true,
    };
    const response = await this.#anonymous(this.#route('POST', 'login', body));
    const pair = parseTokenPair(response, 'either', this.#refreshTokenKey);
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
    await this.#refreshes.settled();
    const stored = await this.tokenStore.load();
    if (!stored) {
      throw new RefreshFailedError(
        this.#transport.requestInfo('POST', this.paths.refresh, 'refresh'),
        undefined,
        'the token store holds no refresh token',
      );
    }
    return this.#refreshWith(stored.refreshToken);
  }

  async recoverPassword(email: string): Promise<ApiResponse> {
    return this.#anonymous(this.#route('POST', 'recoverPassword', { email }));
  }

  async changePasswordWithRecoveryCode(input: {
    email: string;
    password: string;
    recoveryCode: string | number;
  }): Promise<ApiResponse> {
    const recoveryCode = recoveryCodeValue(input.recoveryCode, this.#recoveryCodeType);
    const body = { email: input.email, password: input.password, recoveryCode };
    return this.#anonymous(this.#route('PUT', 'changePasswordWithRecoveryCode', body));
  }

  /** Authenticated: a 401 refreshes the pair once and retries once. */
  async unblockRecoveryCode(email: string): Promise<ApiResponse> {
    return this.#authorized(this.#route('POST', 'unblockRecoveryCode', { email }));
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

  #route(method: string, route: RouteName, body?: unknown): Call {
    return { method, path: this.paths[route], route, ...(body === undefined ? {} : { body }) };
  }

  async #anonymous(call: Call): Promise<ApiResponse> {
    return apiResponse(await this.#transport.send(call));
  }

  async #authorized(call: Call): Promise<ApiResponse> {
    const pair = await this.tokenStore.load();
    const first = await this.#transport.send({ ...call, bearer: pair?.accessToken });
    // Without a stored pair there is nothing to refresh: the 401 is the answer.
    if (first.status !== 401 || !pair) return apiResponse(first);
    const renewed = await this.#refreshes.renewAfter401(pair.accessToken, first.request);
    // Retried once: a second 401 is the answer, never another refresh.
    return this.#anonymous({ ...call, bearer: renewed.accessToken, retryAfterRefresh: true });
  }

  async #refreshWith(refreshToken: string): Promise<TokenPair> {
    const call =
      this.#refreshTokenIn === 'bearer'
        ? { ...this.#route('POST', 'refresh'), bearer: refreshToken }
        : this.#route('POST', 'refresh', { refreshToken });
    const pair = parseTokenPair(await this.#anonymous(call), this.#refreshTokenShape, this.#refreshTokenKey);
    // Durable before anyone retries with it: the old refresh token is already spent.
    await this.tokenStore.save(pair);
    return pair;
  }
}

function httpUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigError(`not a URL: ${JSON.stringify(redactText(baseUrl))}`, {
      field: 'baseUrl',
      hint: 'use an absolute http(s) URL such as https://staging-api.facilioo.de',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`expected an http(s) URL, got ${url.protocol}`, { field: 'baseUrl' });
  }
  return url;
}
