/**
 * What the AuthClient throws. Each error names the request that failed (method, path, route) and
 * what came back, so a failing check explains itself; none carries a password, token or code:
 * messages, problem details, headers, causes and `toJSON()` all pass through src/redact/.
 */
import { STATUS_CODES } from 'node:http';
import { redactHeaders, redactText, redactValue } from '../redact/index.ts';
import type { RouteName } from '../target/types.ts';

/** The request an error is about. `route` is the named auth route, or undefined for `request()`. */
export interface FailedRequest {
  method: string;
  /** Full URL, redacted (a query string may carry a secret). */
  url: string;
  route: RouteName | undefined;
}

/** RFC 9457 problem details (or whatever JSON object the error body was), redacted. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** `POST /api/auth/refresh` — the path without origin or query, which is how people name a call. */
export function describeRequest(request: FailedRequest): string {
  let path = request.url;
  try {
    path = new URL(request.url).pathname;
  } catch {
    // Not a URL (cannot happen for requests the client built); keep what we have.
  }
  return `${request.method} ${path}`;
}

export function statusLine(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `${status} ${text}` : String(status);
}

/**
 * Causes are kept for debugging, but a library error's message can quote response bytes (a JSON
 * parser quotes the text it choked on), so only a redacted copy of it is attached.
 */
export function safeCause(error: unknown): Error | undefined {
  if (error === undefined || error === null) return undefined;
  if (error instanceof AuthClientError) return error;
  const source = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(redactText(source.message));
  copy.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}

/** Common base: `instanceof AuthClientError` catches everything the client throws on purpose. */
export abstract class AuthClientError extends Error {
  readonly request: FailedRequest;

  protected constructor(message: string, request: FailedRequest, cause?: unknown) {
    const safe = safeCause(cause);
    super(redactText(message), safe ? { cause: safe } : undefined);
    this.request = { ...request, url: redactText(request.url) };
  }

  toJSON(): Record<string, unknown> {
    const cause = this.cause;
    return redactValue({
      name: this.name,
      message: this.message,
      request: this.request,
      ...this.details(),
      ...(cause instanceof AuthClientError
        ? { cause: cause.toJSON() }
        : cause instanceof Error
          ? { cause: { name: cause.name, message: cause.message } }
          : {}),
    }) as Record<string, unknown>;
  }

  protected details(): Record<string, unknown> {
    return {};
  }
}

function problemSummary(
  problem: ProblemDetails | undefined,
  bodyText: string | undefined,
): string | undefined {
  const candidates = [problem?.title, problem?.detail, problem?.message, problem?.error, bodyText];
  const text = candidates.find(
    (candidate): candidate is string => typeof candidate === 'string' && candidate !== '',
  );
  if (!text) return undefined;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
}

/** The API answered with a non-2xx status: `POST /api/auth/refresh → 401 Unauthorized: <title>`. */
export class ApiError extends AuthClientError {
  static {
    ApiError.prototype.name = 'ApiError';
  }
  readonly status: number;
  /** Parsed problem+json (or any JSON object) error body, redacted; undefined when there was none. */
  readonly problem: ProblemDetails | undefined;
  /** Response headers, redacted, names lower-cased. */
  readonly headers: Record<string, string | string[]>;
  /** The body as text when it was not JSON (an HTML error page from a proxy), redacted, truncated. */
  readonly bodyText: string | undefined;

  constructor(init: {
    request: FailedRequest;
    status: number;
    problem?: unknown;
    headers?: Record<string, string | string[] | undefined>;
    bodyText?: string;
  }) {
    const problem =
      init.problem !== null && typeof init.problem === 'object' && !Array.isArray(init.problem)
        ? (redactValue(init.problem) as ProblemDetails)
        : undefined;
    const bodyText = init.bodyText === undefined ? undefined : redactText(init.bodyText.slice(0, 500));
    const summary = problemSummary(problem, problem ? undefined : bodyText);
    super(
      `${describeRequest(init.request)} → ${statusLine(init.status)}${summary ? `: ${summary}` : ''}`,
      init.request,
    );
    this.status = init.status;
    this.problem = problem;
    this.headers = redactHeaders(init.headers);
    this.bodyText = bodyText;
  }

  protected override details(): Record<string, unknown> {
    return { status: this.status, problem: this.problem, headers: this.headers, bodyText: this.bodyText };
  }
}

export type TransportErrorKind = 'timeout' | 'connection' | 'malformed-response';

/** No usable HTTP answer: a timeout, a refused or reset connection, or a body that is not what was promised. */
export class TransportError extends AuthClientError {
  static {
    TransportError.prototype.name = 'TransportError';
  }
  readonly kind: TransportErrorKind;
  /** Status of the response, when there was one (a 200 with a broken body). */
  readonly status: number | undefined;

  constructor(init: {
    request: FailedRequest;
    kind: TransportErrorKind;
    what: string;
    status?: number;
    cause?: unknown;
  }) {
    const status = init.status === undefined ? '' : `${statusLine(init.status)} but `;
    super(
      `${describeRequest(init.request)} → ${status}${init.what} (${init.request.url})`,
      init.request,
      init.cause,
    );
    this.kind = init.kind;
    this.status = init.status;
  }

  protected override details(): Record<string, unknown> {
    return { kind: this.kind, status: this.status };
  }
}

/** undici's error codes (and our own timers' timeout codes), in words a user can act on. */
const TRANSPORT_CODES: Record<string, { kind: TransportErrorKind; what: (timeoutMs: number) => string }> = {
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

export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The TransportError for a request that got no usable answer, from the code that explains why. */
export function transportFailure(
  request: FailedRequest,
  code: string | undefined,
  error: unknown,
  timeoutMs: number,
): TransportError {
  const known = TRANSPORT_CODES[code ?? ''];
  return new TransportError({
    request,
    kind: known?.kind ?? 'connection',
    what: known?.what(timeoutMs) ?? `the request failed: ${(error as Error)?.message ?? String(error)}`,
    cause: error,
  });
}

/**
 * A refresh triggered by a 401 did not produce a new token pair. Every caller waiting on that
 * refresh receives this same instance; `cause` is the ApiError or TransportError of the refresh
 * call. The token store is left as it was: log in again (or retry) to continue.
 */
export class RefreshFailedError extends AuthClientError {
  static {
    RefreshFailedError.prototype.name = 'RefreshFailedError';
  }

  constructor(request: FailedRequest, cause: unknown, reason?: string) {
    const why = reason ?? (cause instanceof Error ? redactText(cause.message) : 'unknown failure');
    super(
      `token refresh failed, so the request that got 401 cannot be retried: ${why} — log in again`,
      request,
      cause,
    );
  }
}
