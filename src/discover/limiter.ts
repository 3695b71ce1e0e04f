/**
 * The limiter's reading, from the rate-limit probe (the one `facilioo-auth probe` and the k6
 * script run), within the budget discovery is given. The probe asks for recovery codes for an
 * address no account has, so no account's code or attempts are touched.
 */
import { runProbe } from '../k6/probe-driver.ts';
import type { ProbeTiming } from '../k6/timing.ts';
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
  const reading = {
    limit: rateLimit.limit,
    windowSeconds: rateLimit.windowSeconds,
    algorithm: rateLimit.algorithm,
    rejectStatus: rateLimit.rejectStatus,
    retryAfterSeconds: rateLimit.retryAfterSeconds,
  };
  const found = rateLimit.limit !== null && rateLimit.rejectStatus !== null;
  const evidence = found
    ? `the probe saw ${rateLimit.limit} requests per ${rateLimit.windowSeconds ?? '?'} s (${rateLimit.algorithm}) on ${rateLimit.endpoint}, then ${rateLimit.rejectStatus} with ${rateLimit.retryAfterSeconds === null ? 'no Retry-After' : `Retry-After ${rateLimit.retryAfterSeconds}`}`
    : `the probe found no limit on ${rateLimit.endpoint} within ${rateLimit.requestsSent} requests and ${budget.maxSeconds} s (raise --limit-probe-seconds / --limit-probe-requests)`;
  return { found, reading, evidence, requestsSent: rateLimit.requestsSent };
}
