/**
 * One call on the wire: builds the request, enforces the timeouts, turns undici's failures into
 * TransportErrors that name the request, traces every attempt (redacted) and waits out rate
 * limits within the caller's bound. It knows nothing of tokens or routes beyond their names.
 *
 * It is also the one place where the client registers secrets with src/redact/: whatever goes
 * out under a sensitive key (password, recovery code, refresh token) or as a Bearer credential,
 * and whatever a successful answer carries under one (the issued tokens).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, Pool } from 'undici';
import {
  redactHeaders,
  redactText,
  redactValue,
  registerSecret,
  registerSecretsIn,
} from '../redact/index.ts';
import type { RouteName } from '../target/types.ts';
import { errorCode, type FailedRequest, type TransportError, transportFailure } from './errors.ts';
import { type RejectionReading, rateLimitWaitMs } from './rate-limit.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;

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

/** What to send. `bearer` becomes the Authorization header; `headers` are sent as given, last. */
export interface Call {
  method: string;
  path: string;
  route: RouteName | undefined;
  body?: unknown;
  headers?: Record<string, string>;
  bearer?: string | undefined;
  retryAfterRefresh?: boolean;
}

/** What came back, unjudged: any status, the body as text and, when it parsed, as JSON. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[]>;
  text: string;
  /** Parsed JSON; undefined for an empty body or a body that is not JSON (see `jsonError`). */
  json: unknown;
  jsonError: boolean;
  durationMs: number;
  request: FailedRequest;
}

export interface TransportOptions {
  /** Headers and body-idle timeout per request. Default 10 s. */
  timeoutMs?: number | undefined;
  /** Use this dispatcher instead of an own connection pool (the caller closes it). */
  dispatcher?: Dispatcher | undefined;
  /** Called once per HTTP attempt, already redacted. Exceptions it throws are ignored. */
  onExchange?: ((exchange: Exchange) => void) | undefined;
  /** Total time rate-limited answers may be waited out per call; 0 throws them at once. */
  maxRateLimitWaitMs?: number | undefined;
  /** The target's limiter reading: which answers are its rejections (src/rate-limit). */
  rejection?: RejectionReading | undefined;
}

/** A failed request with the undici-style code that explains it (our own timers set the timeout codes). */
class Failure {
  constructor(
    readonly code: string | undefined,
    readonly error: unknown,
  ) {}
}

function parseJson(text: string): { json: unknown; jsonError: boolean } {
  if (text.trim() === '') return { json: undefined, jsonError: false };
  try {
    return { json: JSON.parse(text), jsonError: false };
  } catch {
    return { json: undefined, jsonError: true };
  }
}

export class Transport {
  readonly #origin: string;
  readonly #basePath: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #timeoutMs: number;
  readonly #maxRateLimitWaitMs: number;
  readonly #rejection: RejectionReading;
  readonly #onExchange: ((exchange: Exchange) => void) | undefined;

  /** `base` is an http(s) URL; its path is a prefix for every call's path. */
  constructor(base: URL, options: TransportOptions = {}) {
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 0;
    this.#rejection = options.rejection ?? {};
    this.#onExchange = options.onExchange;
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Pool(this.#origin);
  }

  /** Closes the own connection pool (an injected dispatcher is the caller's to close). */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  requestInfo(method: string, path: string, route: RouteName | undefined): FailedRequest {
    return {
      method,
      url: `${this.#origin}${this.#basePath}${path.startsWith('/') ? '' : '/'}${path}`,
      route,
    };
  }

  /** Sends one call, waiting out rate limits within the configured bound. */
  async send(call: Call): Promise<RawResponse> {
    registerSecretsIn(call.body);
    registerSecret(call.bearer);
    let waitedMs = 0;
    for (let attempt = 0; ; attempt++) {
      const { raw, exchange } = await this.#attempt(call);
      const route = call.route ?? call.path;
      const reading = { ...this.#rejection, route };
      const limited = rateLimitWaitMs(raw, attempt, Date.now(), reading);
      // Every other answer below 500 shows the route admitting: a later bare 503 there is the limiter.
      if (limited === undefined && raw.status < 500) this.#rejection.history?.admitted(route);
      const wait = this.#maxRateLimitWaitMs > 0 ? limited : undefined;
      if (wait === undefined || waitedMs + wait > this.#maxRateLimitWaitMs) {
        this.#emit(exchange);
        return raw;
      }
      exchange.retryAfterMs = wait;
      this.#emit(exchange);
      waitedMs += wait;
      await sleep(wait);
    }
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
    const request = this.requestInfo(call.method, call.path, call.route);
    const headers: Record<string, string> = { accept: 'application/json' };
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (call.bearer !== undefined) headers.authorization = `Bearer ${call.bearer}`;
    Object.assign(headers, call.headers);

    const started = performance.now();
    const exchange: Exchange = {
      method: call.method,
      url: redactText(request.url),
      route: call.route,
      startedAt: new Date().toISOString(),
      durationMs: 0,
      status: undefined,
      request: { headers: redactHeaders(headers), body: redactValue(call.body) },
      response: undefined,
      ...(call.retryAfterRefresh ? { retryAfterRefresh: true } : {}),
    };
    let received: { status: number; headers: Record<string, string | string[]>; text: string };
    try {
      received = await this.#exchange(call.method, request.url, headers, body);
    } catch (caught) {
      const error = this.#transportError(request, caught);
      exchange.durationMs = performance.now() - started;
      exchange.error = error.message;
      this.#emit(exchange);
      throw error;
    }
    const durationMs = performance.now() - started;
    const { json, jsonError } = parseJson(received.text);
    if (received.status >= 200 && received.status <= 299) registerSecretsIn(json);
    exchange.durationMs = durationMs;
    exchange.status = received.status;
    exchange.response = {
      headers: redactHeaders(received.headers),
      body: jsonError ? redactText(received.text.slice(0, 2000)) : redactValue(json),
    };
    return { raw: { ...received, json, jsonError, durationMs, request }, exchange };
  }

  /**
   * undici's own headers/body timeouts tick at one-second resolution; this native timer makes a
   * 200 ms timeout fire after 200 ms. It runs once for the headers, once for the body.
   */
  async #exchange(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; text: string }> {
    const abort = new AbortController();
    type Phase = 'headers' | 'body';
    let phase: Phase = 'headers';
    let timedOut: Phase | undefined;
    const arm = () =>
      setTimeout(() => {
        timedOut = phase;
        abort.abort();
      }, this.#timeoutMs);
    let timer = arm();
    try {
      const { pathname, search } = new URL(url);
      const response = await this.#dispatcher.request({
        origin: this.#origin,
        path: pathname + search,
        method: method as Dispatcher.HttpMethod,
        headers,
        body,
        signal: abort.signal,
        headersTimeout: this.#timeoutMs,
        bodyTimeout: this.#timeoutMs,
      });
      clearTimeout(timer);
      phase = 'body';
      timer = arm();
      const responseHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) responseHeaders[name.toLowerCase()] = value;
      }
      return { status: response.statusCode, headers: responseHeaders, text: await response.body.text() };
    } catch (error) {
      const timeoutCode = { headers: 'UND_ERR_HEADERS_TIMEOUT', body: 'UND_ERR_BODY_TIMEOUT' } as const;
      throw new Failure(timedOut ? timeoutCode[timedOut] : errorCode(error), error);
    } finally {
      clearTimeout(timer);
    }
  }

  #transportError(request: FailedRequest, caught: unknown): TransportError {
    const failure = caught instanceof Failure ? caught : new Failure(errorCode(caught), caught);
    return transportFailure(request, failure.code, failure.error, this.#timeoutMs);
  }
}
