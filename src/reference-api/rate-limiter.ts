/**
 * The `DefaultRateLimitAuth` policy, modelled on ASP.NET Core's System.Threading.RateLimiting
 * limiters (facilioo runs ASP.NET Core): fixed window, sliding window with segments, token
 * bucket, partitioned by client IP or global, no queueing. Like ASP.NET's partitioned limiter, a
 * partition's windows start when its first request arrives.
 *
 * Time comes from the injected clock and is evaluated lazily on each acquire instead of by a
 * replenishment timer, so moving the clock moves the windows. `tryAcquire` is synchronous: Node
 * runs it to completion, so concurrent requests can never be over-admitted.
 *
 * One deliberate difference: ASP.NET's failed lease reports a whole window (or period) as
 * RetryAfter; this one reports the true time until a permit is free, which is what Retry-After
 * (RFC 9110 §10.2.3) promises.
 */
import type { RouteName } from '../target/types.ts';
import type { Clock } from './clock.ts';

export type LimiterAlgorithm = 'fixed-window' | 'sliding-window' | 'token-bucket';
export const LIMITER_ALGORITHMS: readonly LimiterAlgorithm[] = [
  'fixed-window',
  'sliding-window',
  'token-bucket',
];

export interface LimitsOptions {
  algorithm: LimiterAlgorithm;
  /** Permits per window (fixed/sliding window) or bucket size (token bucket). */
  permitLimit: number;
  windowSeconds: number;
  /** Sliding window only. */
  segmentsPerWindow: number;
  /** Token bucket only. */
  tokensPerPeriod: number;
  /** Token bucket only. */
  replenishmentPeriodSeconds: number;
  partitionBy: 'ip' | 'global';
  rejectStatus: 429 | 503;
  retryAfter: boolean;
  routes: RouteName[];
}

export const DEFAULT_LIMITS: Readonly<LimitsOptions> = {
  algorithm: 'fixed-window',
  permitLimit: 5,
  windowSeconds: 60,
  segmentsPerWindow: 6,
  tokensPerPeriod: 1,
  replenishmentPeriodSeconds: 12,
  partitionBy: 'ip',
  rejectStatus: 429,
  retryAfter: true,
  routes: ['recoverPassword'],
};

export type AcquireResult = { admitted: true } | { admitted: false; retryAfterMs: number };

export interface Limiter {
  tryAcquire(nowMs: number): AcquireResult;
}

/** A new window every `windowMs`, each with `permitLimit` permits. */
export class FixedWindowLimiter implements Limiter {
  #window = 0;
  #available: number;

  constructor(
    readonly permitLimit: number,
    readonly windowMs: number,
    readonly originMs: number,
  ) {
    this.#available = permitLimit;
  }

  tryAcquire(nowMs: number): AcquireResult {
    const window = Math.floor((nowMs - this.originMs) / this.windowMs);
    if (window > this.#window) {
      this.#window = window;
      this.#available = this.permitLimit;
    }
    if (this.#available > 0) {
      this.#available--;
      return { admitted: true };
    }
    return { admitted: false, retryAfterMs: this.originMs + (this.#window + 1) * this.windowMs - nowMs };
  }
}

/**
 * The window is cut into segments; a permit taken in segment k comes back when segment k + S
 * begins (ASP.NET returns the oldest segment's permits on every segment tick).
 */
export class SlidingWindowLimiter implements Limiter {
  readonly #segmentMs: number;
  /** Permits taken per absolute segment index, only for the last `segments` segments. */
  readonly #taken = new Map<number, number>();
  #segment = 0;

  constructor(
    readonly permitLimit: number,
    windowMs: number,
    readonly segments: number,
    readonly originMs: number,
  ) {
    this.#segmentMs = windowMs / segments;
  }

  tryAcquire(nowMs: number): AcquireResult {
    this.#segment = Math.max(this.#segment, Math.floor((nowMs - this.originMs) / this.#segmentMs));
    let inUse = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [segment, count] of this.#taken) {
      if (segment <= this.#segment - this.segments) {
        this.#taken.delete(segment);
      } else {
        inUse += count;
        oldest = Math.min(oldest, segment);
      }
    }
    if (inUse < this.permitLimit) {
      this.#taken.set(this.#segment, (this.#taken.get(this.#segment) ?? 0) + 1);
      return { admitted: true };
    }
    return {
      admitted: false,
      retryAfterMs: this.originMs + (oldest + this.segments) * this.#segmentMs - nowMs,
    };
  }
}

/** Starts full; every period adds `tokensPerPeriod` tokens, up to `tokenLimit`. */
export class TokenBucketLimiter implements Limiter {
  #tokens: number;
  #period = 0;

  constructor(
    readonly tokenLimit: number,
    readonly tokensPerPeriod: number,
    readonly periodMs: number,
    readonly originMs: number,
  ) {
    this.#tokens = tokenLimit;
  }

  tryAcquire(nowMs: number): AcquireResult {
    const period = Math.floor((nowMs - this.originMs) / this.periodMs);
    if (period > this.#period) {
      this.#tokens = Math.min(this.tokenLimit, this.#tokens + (period - this.#period) * this.tokensPerPeriod);
      this.#period = period;
    }
    if (this.#tokens >= 1) {
      this.#tokens--;
      return { admitted: true };
    }
    const periodsNeeded = Math.ceil((1 - this.#tokens) / this.tokensPerPeriod);
    return {
      admitted: false,
      retryAfterMs: this.originMs + (this.#period + periodsNeeded) * this.periodMs - nowMs,
    };
  }
}

export function createLimiter(limits: LimitsOptions, originMs: number): Limiter {
  switch (limits.algorithm) {
    case 'fixed-window':
      return new FixedWindowLimiter(limits.permitLimit, limits.windowSeconds * 1000, originMs);
    case 'sliding-window':
      return new SlidingWindowLimiter(
        limits.permitLimit,
        limits.windowSeconds * 1000,
        limits.segmentsPerWindow,
        originMs,
      );
    case 'token-bucket':
      return new TokenBucketLimiter(
        limits.permitLimit,
        limits.tokensPerPeriod,
        limits.replenishmentPeriodSeconds * 1000,
        originMs,
      );
  }
}

/** One limiter per partition key (client IP, or one shared key), created on first use. */
export class PartitionedLimiter {
  readonly #partitions = new Map<string, Limiter>();

  constructor(
    readonly limits: LimitsOptions,
    readonly clock: Clock,
  ) {}

  tryAcquire(clientIp: string): AcquireResult {
    const key = this.limits.partitionBy === 'ip' ? clientIp : '*';
    const now = this.clock.now();
    let limiter = this.#partitions.get(key);
    if (!limiter) {
      limiter = createLimiter(this.limits, now);
      this.#partitions.set(key, limiter);
    }
    return limiter.tryAcquire(now);
  }

  reset(): void {
    this.#partitions.clear();
  }
}
