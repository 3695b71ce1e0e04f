/**
 * The one verdict on "was this answer the rate limiter?" and how long it asks to wait, for every
 * suite that talks to a target. ASP.NET's limiter answers 503 unless configured for 429, and
 * sends Retry-After only when the app copies it, so a 503 without Retry-After reads as an outage
 * — except where the caller is flooding the route on purpose and a refusal is what it expects.
 *
 * TODO-free hand-over: when src/rate-limit/ (one Retry-After parser, one verdict with the
 * target's declared rejection status) lands, `rateLimitWaitMs` delegates to it; callers keep
 * this signature.
 */
import { ApiError } from '../../client/index.ts';

/** The wait is unknown: the answer was rate limited but named no time. */
export const UNKNOWN_WAIT = -1;

export interface RateLimitReading {
  /**
   * The caller is using the limit up on purpose, so a 503 without Retry-After is the limiter's
   * refusal, not an outage.
   */
  expectingRefusal?: boolean;
}

/** Retry-After in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * For a rate-limited refusal: the wait it names in ms, or UNKNOWN_WAIT; undefined when the error
 * is not a rate-limit refusal at all.
 */
export function rateLimitWaitMs(error: unknown, reading: RateLimitReading = {}): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const wait = retryAfterMs(error.headers['retry-after']);
  if (error.status === 429) return wait ?? UNKNOWN_WAIT;
  if (error.status === 503 && wait !== undefined) return wait;
  if (error.status === 503 && reading.expectingRefusal) return UNKNOWN_WAIT;
  return undefined;
}
