/**
 * The limiter's reading, from the rate-limit probe (the one `facilioo-auth probe` and the k6
 * script run), within the budget discovery is given. The probe asks for recovery codes for an
 * address no account has, so no account's code or attempts are touched.
 */
import { runProbe } from '../k6/probe-driver.ts';
import type { ProbeTiming } from '../k6/timing.ts';
import type { RateLimitFindings } from '../probe/probe.ts';
import type { Target } from '../target/types.ts';

export interface LimiterReading {
  found: boolean;
  /** What a target file or a load run would say about the limiter. */
  reading: {
    limit: number | null;
    windowSeconds: number | null;
    algorithm: string | null;
    rejectStatus: number | null;
    retryAfterSeconds: number | null;
    /** Requests over the limit were answered late instead of refused: the limiter queues. */
    queueing: boolean;
  };
  /** One line: what the probe saw, or why it found nothing. */
  evidence: string;
  requestsSent: number;
}

export interface ProbeBudget {
  maxRequests: number;
  maxSeconds: number;
  /** The probe's clock and waits; default real time (a test shares its reference API's clock). */
  timing?: ProbeTiming | undefined;
}

export async function probeLimiter(target: Target, budget: ProbeBudget): Promise<LimiterReading> {
  const { rateLimit } = await runProbe({
    baseUrl: target.baseUrl,
    paths: target.paths,
    maxRequests: budget.maxRequests,
    maxSeconds: budget.maxSeconds,
    timeoutMs: target.options.requestTimeoutSeconds * 1000,
    ...(budget.timing ? { timing: budget.timing } : {}),
  });
  return limiterReadingOf(rateLimit, budget);
}

/** What the probe's findings say of the limiter, as discovery reports it. */
export function limiterReadingOf(
  rateLimit: RateLimitFindings,
  budget: { maxRequests: number; maxSeconds: number },
): LimiterReading {
  const reading = {
    limit: rateLimit.limit,
    windowSeconds: rateLimit.windowSeconds,
    algorithm: rateLimit.algorithm,
    rejectStatus: rateLimit.rejectStatus,
    retryAfterSeconds: rateLimit.retryAfterSeconds,
    queueing: rateLimit.queued > 0,
  };
  // A queueing limiter refuses nothing until its queue is full: the latency jump is its limit.
  const found = rateLimit.limit !== null && (rateLimit.rejectStatus !== null || reading.queueing);
  const seen = `the probe saw ${rateLimit.limit} requests per ${rateLimit.windowSeconds ?? '?'} s (${rateLimit.algorithm}) on ${rateLimit.endpoint}`;
  const evidence = !found
    ? `the probe found no limit on ${rateLimit.endpoint} within ${rateLimit.requestsSent} requests and ${budget.maxSeconds} s (raise --limit-probe-seconds / --limit-probe-requests)`
    : rateLimit.rejectStatus === null
      ? `${seen}, then ${rateLimit.queued} request(s) over it answered late instead of refused: the limiter queues (ASP.NET's QueueLimit)`
      : `${seen}, then ${rateLimit.rejectStatus} with ${rateLimit.retryAfterSeconds === null ? 'no Retry-After' : `Retry-After ${rateLimit.retryAfterSeconds}`}${reading.queueing ? `; ${rateLimit.queued} request(s) over it were answered late first: the limiter queues` : ''}`;
  return { found, reading, evidence, requestsSent: rateLimit.requestsSent };
}
