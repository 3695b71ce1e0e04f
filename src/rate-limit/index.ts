/**
 * The one reading of a rate limiter's answer, shared by the client, the scenarios, verification
 * and the k6 scripts (so it imports nothing from Node or k6). ASP.NET Core's limiter rejects with
 * 503 unless configured for 429, writes no body and sends `Retry-After` only when the app copies
 * it — so a 503 alone cannot tell a rejection from an outage. The target may say which status its
 * limiter uses; otherwise a 503 is a rejection only when it carries `Retry-After` or comes after
 * the same route has just admitted requests (the limiter's shape: admitted, then refused).
 */

export type RejectStatus = 429 | 503;
export const REJECT_STATUSES: readonly RejectStatus[] = [429, 503];

type HeaderValue = string | string[] | null | undefined;

/**
 * `Retry-After` in seconds: delta-seconds, or an HTTP date (RFC 9110 §10.2.3) measured against
 * `nowMs` and rounded up. Anything else counts as absent.
 */
export function parseRetryAfter(value: HeaderValue, nowMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** Header lookup that works for undici's lower-case and k6's canonical header names. */
export function retryAfterHeader(headers: Readonly<Record<string, HeaderValue>>): HeaderValue {
  return headers['retry-after'] ?? headers['Retry-After'];
}

export interface RejectionInput {
  status: number;
  /** Seconds from `Retry-After`, when the answer carried one. */
  retryAfterSeconds?: number | undefined;
  /** The target's declared rejection status (`options.rateLimit.rejectStatus`), if any. */
  declaredStatus?: RejectStatus | undefined;
  /** The same route admitted requests just before this answer in the same run. */
  admittedBefore?: boolean | undefined;
}

export type RejectionVerdict =
  | { rateLimited: true; because: 'declared' | '429' | 'retry-after' | 'shape' }
  | { rateLimited: false; because: 'not-a-rejection-status' | 'declared-otherwise' | 'outage' };

/** Is this answer the rate limiter refusing (wait and retry), or something else (a failure)? */
export function rejectionVerdict(input: RejectionInput): RejectionVerdict {
  const { status, declaredStatus } = input;
  if (status !== 429 && status !== 503) return { rateLimited: false, because: 'not-a-rejection-status' };
  if (declaredStatus !== undefined) {
    return status === declaredStatus
      ? { rateLimited: true, because: 'declared' }
      : { rateLimited: false, because: 'declared-otherwise' };
  }
  if (status === 429) return { rateLimited: true, because: '429' };
  if (input.retryAfterSeconds !== undefined) return { rateLimited: true, because: 'retry-after' };
  if (input.admittedBefore) return { rateLimited: true, because: 'shape' };
  return { rateLimited: false, because: 'outage' };
}

export function isRateLimitRejection(input: RejectionInput): boolean {
  return rejectionVerdict(input).rateLimited;
}

/**
 * How long one declared window keeps a refused client out, in ms: the window plus a margin,
 * because ASP.NET replenishes partitioned limiters on a 100 ms timer (a window ends up to a tick
 * late) and the answer that opened the window took a round trip.
 */
export function windowWaitMs(windowSeconds: number): number {
  const ms = windowSeconds * 1000;
  return ms + Math.max(250, 0.05 * ms);
}

/** The statuses a limiter may reject with, given what the target declares. */
export function rejectStatusesFor(declaredStatus: RejectStatus | undefined): RejectStatus[] {
  return declaredStatus === undefined ? [...REJECT_STATUSES] : [declaredStatus];
}

/**
 * Which routes a target has admitted requests on during this run: the "admitted, then refused"
 * shape that tells a limiter's bare 503 from an outage. Shared by every client of one target.
 */
export class RouteHistory {
  readonly #admitted = new Set<string>();

  admitted(route: string): void {
    this.#admitted.add(route);
  }

  hasAdmitted(route: string): boolean {
    return this.#admitted.has(route);
  }
}

const histories = new WeakMap<object, RouteHistory>();

/** The one history per target object (a run resolves its target once). */
export function routeHistoryOf(target: object): RouteHistory {
  let history = histories.get(target);
  if (!history) {
    history = new RouteHistory();
    histories.set(target, history);
  }
  return history;
}
