/**
 * When a rate-limited answer is worth waiting for, and how long. Kept apart from the transport
 * so the rules (which statuses, Retry-After's two spellings, the backoff, the bound) read and
 * test as plain functions.
 */

/** Backoff for a rate-limited answer without Retry-After: 250 ms, 500 ms, 1 s, ... */
const BACKOFF_BASE_MS = 250;
/** Every wait counts at least this much, so `Retry-After: 0` forever still ends at the bound. */
export const MIN_RATE_LIMIT_WAIT_MS = 50;

/** Retry-After is delta-seconds or an HTTP date (RFC 9110 §10.2.3); milliseconds from `now`. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before sending attempt `attempt + 1` again, or undefined when the answer is
 * not a rate limit. Whether the wait still fits the caller's bound is the caller's decision.
 */
export function rateLimitWaitMs(
  answer: { status: number; headers: Record<string, string | string[]> },
  attempt: number,
  now = Date.now(),
): number | undefined {
  const retryAfter = parseRetryAfter(answer.headers['retry-after'], now);
  // ASP.NET's limiter answers 503 unless configured for 429; a 503 without Retry-After is an outage.
  if (answer.status !== 429 && !(answer.status === 503 && retryAfter !== undefined)) return undefined;
  return Math.max(MIN_RATE_LIMIT_WAIT_MS, retryAfter ?? BACKOFF_BASE_MS * 2 ** attempt);
}
