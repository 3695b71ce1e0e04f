/**
 * The `DefaultRateLimitAuth` policy's algorithms, modelled on ASP.NET Core's
 * System.Threading.RateLimiting (facilioo runs ASP.NET Core): fixed window, sliding window with
 * segments, token bucket. Partitions, queueing and the HTTP answer are in rate-limit-gate.ts.
 *
 * Time comes from the injected clock and is evaluated lazily on each acquire, so moving the clock
 * moves the windows. `tryAcquire` is synchronous: Node runs it to completion, so concurrent
 * requests can never be over-admitted.
 *
 * Replenishment is exact by default. With `replenishmentTimerMs` (ASP.NET: 100 ms) it happens
 * only on timer ticks, as ASP.NET's partitioned limiters do: a window ends at the first tick at or
 * after its nominal end, and the next one counts from that tick, so the lateness accumulates.
 */
import type { RouteName } from '../target/types.ts';

export type LimiterAlgorithm = 'fixed-window' | 'sliding-window' | 'token-bucket';
export const LIMITER_ALGORITHMS: readonly LimiterAlgorithm[] = [
  'fixed-window',
  'sliding-window',
  'token-bucket',
];

/**
 * What a rejection's `Retry-After` says (spec, ASP.NET section): nothing (ASP.NET's default);
 * the true wait rounded up; the true wait truncated to whole seconds (the documented
 * `(int)retryAfter.TotalSeconds`); or the lease's metadata, which for a fixed window is the whole
 * window (and for a sliding window absent).
 */
export type RetryAfterMode = 'none' | 'exact' | 'truncated' | 'whole-window';
export const RETRY_AFTER_MODES: readonly RetryAfterMode[] = ['none', 'exact', 'truncated', 'whole-window'];

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
  /** Whether a rejection carries a problem+json body (ASP.NET writes none unless OnRejected does). */
  rejectBody: boolean;
  retryAfter: RetryAfterMode;
  /** 0: replenish exactly; 100: on ASP.NET's 100 ms timer, windows ending late and drifting. */
  replenishmentTimerMs: number;
  /** Requests that wait for a permit instead of being rejected (ASP.NET's QueueLimit). */
  queueLimit: number;
  routes: RouteName[];
}

/** What callers pass: any subset; `retryAfter` also as a boolean (true: exact, false: none). */
export type LimitsInput = Partial<Omit<LimitsOptions, 'retryAfter'>> & {
  retryAfter?: RetryAfterMode | boolean | undefined;
};

export const DEFAULT_LIMITS: Readonly<LimitsOptions> = {
  algorithm: 'fixed-window',
  permitLimit: 5,
  windowSeconds: 60,
  segmentsPerWindow: 6,
  tokensPerPeriod: 1,
  replenishmentPeriodSeconds: 12,
  partitionBy: 'ip',
  rejectStatus: 429,
  rejectBody: true,
  retryAfter: 'exact',
  replenishmentTimerMs: 0,
  queueLimit: 0,
  routes: ['recoverPassword'],
};

/**
 * A rejected lease carries the true wait until a permit is free and, like ASP.NET's lease, its
 * `RetryAfter` metadata when the algorithm has one (whole window; tokens' accrual time).
 */
export type AcquireResult =
  | { admitted: true }
  | { admitted: false; retryAfterMs: number; metadataMs: number | undefined };

export interface Limiter {
  tryAcquire(nowMs: number): AcquireResult;
}

/** ASP.NET re-arms its timer after each callback: every tick comes this much after the period. */
export const TIMER_LAG_MS = 1;

export interface ReplenishmentTimer {
  tickMs: number;
  /** When the timer started (the limiter's creation), which sets the phase of its ticks. */
  originMs: number;
}

/** The instants a limiter replenishes: every `lengthMs`, or on the first timer tick after that. */
export class Replenishment {
  #last: number;

  constructor(
    originMs: number,
    readonly lengthMs: number,
    readonly timer?: ReplenishmentTimer,
  ) {
    this.#last = originMs;
  }

  /** The next replenishment after the last one taken. */
  nextAt(): number {
    const due = this.#last + this.lengthMs;
    if (!this.timer) return due;
    const spacing = this.timer.tickMs + TIMER_LAG_MS;
    return this.timer.originMs + Math.ceil((due - this.timer.originMs) / spacing) * spacing;
  }

  /** Takes every replenishment due by `nowMs`; returns how many. */
  advance(nowMs: number): number {
    let steps = 0;
    // After the first step every step has the same length; skip long idle stretches at once.
    while (steps < 2) {
      const next = this.nextAt();
      if (next > nowMs) return steps;
      this.#last = next;
      steps++;
    }
    const stepMs = this.nextAt() - this.#last;
    const more = Math.floor((nowMs - this.#last) / stepMs);
    this.#last += more * stepMs;
    return steps + more;
  }
}

/** A new window at every replenishment, each with `permitLimit` permits. */
export class FixedWindowLimiter implements Limiter {
  readonly #windows: Replenishment;
  #available: number;

  constructor(
    readonly permitLimit: number,
    readonly windowMs: number,
    originMs: number,
    timer?: ReplenishmentTimer,
  ) {
    this.#windows = new Replenishment(originMs, windowMs, timer);
    this.#available = permitLimit;
  }

  tryAcquire(nowMs: number): AcquireResult {
    if (this.#windows.advance(nowMs) > 0) this.#available = this.permitLimit;
    if (this.#available > 0) {
      this.#available--;
      return { admitted: true };
    }
    return { admitted: false, retryAfterMs: this.#windows.nextAt() - nowMs, metadataMs: this.windowMs };
  }
}

/**
 * The window is cut into segments; a permit taken in segment k comes back when segment k + S
 * begins (ASP.NET returns the oldest segment's permits on every segment tick). Failed leases carry
 * no RetryAfter metadata, as in ASP.NET.
 */
export class SlidingWindowLimiter implements Limiter {
  readonly #segments: Replenishment;
  /** Permits taken per segment of the current window, as a ring; `#current` is the live one. */
  readonly #taken: number[];
  #current = 0;
  #available: number;

  constructor(
    readonly permitLimit: number,
    windowMs: number,
    readonly segments: number,
    originMs: number,
    timer?: ReplenishmentTimer,
  ) {
    this.#segments = new Replenishment(originMs, windowMs / segments, timer);
    this.#taken = new Array<number>(segments).fill(0);
    this.#available = permitLimit;
  }

  tryAcquire(nowMs: number): AcquireResult {
    const steps = Math.min(this.#segments.advance(nowMs), this.segments);
    for (let i = 0; i < steps; i++) {
      this.#current = (this.#current + 1) % this.segments;
      this.#available += this.#taken[this.#current] ?? 0;
      this.#taken[this.#current] = 0;
    }
    if (this.#available > 0) {
      this.#available--;
      this.#taken[this.#current] = (this.#taken[this.#current] ?? 0) + 1;
      return { admitted: true };
    }
    let ahead = 1;
    while (ahead < this.segments && (this.#taken[(this.#current + ahead) % this.segments] ?? 0) === 0)
      ahead++;
    const segmentMs = this.#segments.nextAt() - nowMs;
    const stepMs = this.#segments.lengthMs;
    return { admitted: false, retryAfterMs: segmentMs + (ahead - 1) * stepMs, metadataMs: undefined };
  }
}

/** Starts full; every period adds `tokensPerPeriod` tokens, up to `tokenLimit`. */
export class TokenBucketLimiter implements Limiter {
  readonly #periods: Replenishment;
  #tokens: number;

  constructor(
    readonly tokenLimit: number,
    readonly tokensPerPeriod: number,
    readonly periodMs: number,
    originMs: number,
    timer?: ReplenishmentTimer,
  ) {
    this.#periods = new Replenishment(originMs, periodMs, timer);
    this.#tokens = tokenLimit;
  }

  tryAcquire(nowMs: number): AcquireResult {
    const periods = this.#periods.advance(nowMs);
    this.#tokens = Math.min(this.tokenLimit, this.#tokens + periods * this.tokensPerPeriod);
    if (this.#tokens >= 1) {
      this.#tokens--;
      return { admitted: true };
    }
    const periodsNeeded = Math.ceil((1 - this.#tokens) / this.tokensPerPeriod);
    return {
      admitted: false,
      retryAfterMs: this.#periods.nextAt() - nowMs + (periodsNeeded - 1) * this.periodMs,
      metadataMs: periodsNeeded * this.periodMs,
    };
  }
}

export function createLimiter(limits: LimitsOptions, originMs: number, timer?: ReplenishmentTimer): Limiter {
  switch (limits.algorithm) {
    case 'fixed-window':
      return new FixedWindowLimiter(limits.permitLimit, limits.windowSeconds * 1000, originMs, timer);
    case 'sliding-window':
      return new SlidingWindowLimiter(
        limits.permitLimit,
        limits.windowSeconds * 1000,
        limits.segmentsPerWindow,
        originMs,
        timer,
      );
    case 'token-bucket':
      return new TokenBucketLimiter(
        limits.permitLimit,
        limits.tokensPerPeriod,
        limits.replenishmentPeriodSeconds * 1000,
        originMs,
        timer,
      );
  }
}

/** The `Retry-After` value a rejection sends in `mode`, in whole seconds; undefined: none. */
export function retryAfterSeconds(
  lease: Extract<AcquireResult, { admitted: false }>,
  mode: RetryAfterMode,
): number | undefined {
  switch (mode) {
    case 'none':
      return undefined;
    case 'exact':
      return Math.max(1, Math.ceil(lease.retryAfterMs / 1000));
    case 'truncated':
      return Math.max(0, Math.floor(lease.retryAfterMs / 1000));
    case 'whole-window':
      return lease.metadataMs === undefined ? undefined : Math.floor(lease.metadataMs / 1000);
  }
}
