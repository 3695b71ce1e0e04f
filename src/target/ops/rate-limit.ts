/**
 * "Was this refusal the rate limiter, and how long does it ask to wait?" for the suites' own
 * calls, in the terms of src/rate-limit/ (the one Retry-After parser and rejection verdict every
 * layer shares): the target's declared rejection status decides where it has one; otherwise a 429,
 * a 503 with Retry-After, or a 503 right after the route admitted requests is the limiter.
 */
import { ApiError } from '../../client/index.ts';
import {
  parseRetryAfter,
  type RejectStatus,
  rejectionVerdict,
  retryAfterHeader,
  routeHistoryOf,
  windowWaitMs,
} from '../../rate-limit/index.ts';
import type { Target } from '../types.ts';

/** The wait is unknown: the answer was rate limited but named no time. */
export const UNKNOWN_WAIT = -1;

export interface RateLimitReading {
  /** The target's `options.rateLimit.rejectStatus`, if it declares one. */
  declaredStatus?: RejectStatus | undefined;
  /** The same route admitted requests just before (a flood that meets the limit on purpose). */
  admittedBefore?: boolean;
}

/**
 * For a rate-limited refusal: the wait it names in ms, or UNKNOWN_WAIT; undefined when the error
 * is not a rate-limit refusal at all.
 */
export function rateLimitWaitMs(error: unknown, from: RateLimitReading | Target = {}): number | undefined {
  if (!(error instanceof ApiError)) return undefined;
  // Given the target, the reading is its declared status and what its client saw the route admit.
  const reading: RateLimitReading =
    'options' in from
      ? {
          declaredStatus: from.options.rateLimit?.rejectStatus,
          admittedBefore: routeHistoryOf(from).hasAdmitted(error.request.route ?? error.request.url),
        }
      : from;
  const retryAfterSeconds = parseRetryAfter(retryAfterHeader(error.headers), Date.now());
  const verdict = rejectionVerdict({
    status: error.status,
    retryAfterSeconds,
    declaredStatus: reading.declaredStatus,
    admittedBefore: reading.admittedBefore,
  });
  if (!verdict.rateLimited) return undefined;
  return retryAfterSeconds === undefined ? UNKNOWN_WAIT : retryAfterSeconds * 1000;
}

/** One declared window plus its margin (ms), or undefined when the target declares none. */
export function declaredWindowWaitMs(target: Target): number | undefined {
  const seconds = target.options.rateLimit?.windowSeconds;
  return seconds === undefined ? undefined : windowWaitMs(seconds);
}

export interface LimiterWait {
  ms: number;
  /** Where the wait comes from, for the trace: a refusal without Retry-After waits one window. */
  basis: 'retry-after' | 'declared window' | 'maxWaitSeconds';
}

/**
 * How long a refusal that named `namedMs` (or UNKNOWN_WAIT) keeps the limiter shut: as named;
 * else one declared window plus its margin; else the longest wait the target allows.
 */
export function limiterWait(namedMs: number, target: Target): LimiterWait {
  if (namedMs !== UNKNOWN_WAIT) return { ms: namedMs, basis: 'retry-after' };
  const window = declaredWindowWaitMs(target);
  if (window !== undefined) return { ms: window, basis: 'declared window' };
  return { ms: target.options.maxWaitSeconds * 1000, basis: 'maxWaitSeconds' };
}

/** The declared queue: requests over the limit answered late instead of refused (default 0). */
export function declaredQueue(target: Target): number {
  return target.options.rateLimit?.queueLimit ?? 0;
}
