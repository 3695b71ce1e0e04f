/**
 * When a rate-limited answer is worth waiting for, and how long. Kept apart from the transport
 * so the rules (which statuses, Retry-After's two spellings, the backoff, the bound) read and
 * test as plain functions.
 */

import {
  isRateLimitRejection,
  parseRetryAfter as parseRetryAfterSeconds,
  type RejectStatus,
  type RouteHistory,
} from '../rate-limit/index.ts';

/** Backoff for a rate-limited answer without Retry-After: 250 ms, 500 ms, 1 s, ... */
const BACKOFF_BASE_MS = 250;
/** Every wait counts at least this much, so `Retry-After: 0` forever still ends at the bound. */
export const MIN_RATE_LIMIT_WAIT_MS = 50;

/** Retry-After (src/rate-limit's one reading) in milliseconds from `now`. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const seconds = parseRetryAfterSeconds(value, now);
  return seconds === undefined ? undefined : seconds * 1000;
}

/** What the client knows of the target's limiter (src/rate-limit's verdict needs it). */
export interface RejectionReading {
  declaredStatus?: RejectStatus | undefined;
  /** Routes the target admitted requests on; shared by every client of one target. */
  history?: RouteHistory | undefined;
  /**
   * One declared window and its margin (ms): a refusal that names no wait is waited out for
   * that long and retried once, instead of polled with a backoff that overshoots short windows.
   */
  windowMs?: number | undefined;
}

/**
 * How long to wait before sending attempt `attempt + 1` again, or undefined when the answer is
 * not a rate limit. Whether the wait still fits the caller's bound is the caller's decision.
 */
export function rateLimitWaitMs(
  answer: { status: number; headers: Record<string, string | string[]> },
  attempt: number,
  now = Date.now(),
  reading: RejectionReading & { route?: string | undefined } = {},
): number | undefined {
  const retryAfter = parseRetryAfter(answer.headers['retry-after'], now);
  // ASP.NET's limiter answers 503 unless configured for 429: src/rate-limit tells it from an outage.
  const limited = isRateLimitRejection({
    status: answer.status,
    retryAfterSeconds: retryAfter === undefined ? undefined : retryAfter / 1000,
    declaredStatus: reading.declaredStatus,
    admittedBefore: reading.route !== undefined && reading.history?.hasAdmitted(reading.route),
  });
  if (!limited) return undefined;
  return Math.max(MIN_RATE_LIMIT_WAIT_MS, retryAfter ?? reading.windowMs ?? BACKOFF_BASE_MS * 2 ** attempt);
}
