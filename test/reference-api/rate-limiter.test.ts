// The limiters follow ASP.NET Core's semantics (fixed window, sliding window with segments,
// token bucket) on the injected clock, and report the true wait until a permit is free.
import { describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/reference-api/clock.ts';
import { PartitionedLimiter } from '../../src/reference-api/rate-limit-gate.ts';
import {
  DEFAULT_LIMITS,
  FixedWindowLimiter,
  type Limiter,
  SlidingWindowLimiter,
  TokenBucketLimiter,
} from '../../src/reference-api/rate-limiter.ts';

/** Acquires `n` times at `at` ms and returns how many were admitted and the last retry wait. */
function offer(
  limiter: Limiter,
  at: number,
  n: number,
): { admitted: number; retryAfterMs: number | undefined } {
  let admitted = 0;
  let retryAfterMs: number | undefined;
  for (let i = 0; i < n; i++) {
    const lease = limiter.tryAcquire(at);
    if (lease.admitted) admitted++;
    else retryAfterMs = lease.retryAfterMs;
  }
  return { admitted, retryAfterMs };
}

describe('fixed window', () => {
  test('admits permitLimit per window and names the time left in the window', () => {
    const limiter = new FixedWindowLimiter(5, 60_000, 0);
    expect(offer(limiter, 0, 6)).toEqual({ admitted: 5, retryAfterMs: 60_000 });
    expect(offer(limiter, 59_999, 1)).toEqual({ admitted: 0, retryAfterMs: 1 });
    expect(offer(limiter, 60_000, 6)).toEqual({ admitted: 5, retryAfterMs: 60_000 });
  });

  test('unused permits do not carry over into the next window', () => {
    const limiter = new FixedWindowLimiter(5, 60_000, 0);
    offer(limiter, 0, 1);
    expect(offer(limiter, 180_000, 10).admitted).toBe(5);
  });

  test('windows count from the origin, not from the first rejected request', () => {
    const limiter = new FixedWindowLimiter(2, 10_000, 1_000);
    expect(offer(limiter, 5_000, 3)).toEqual({ admitted: 2, retryAfterMs: 6_000 });
  });
});

describe('sliding window', () => {
  test('returns a segment’s permits one whole window after that segment began', () => {
    // 4 permits per 60 s in three 20 s segments.
    const limiter = new SlidingWindowLimiter(4, 60_000, 3, 0);
    expect(offer(limiter, 0, 2).admitted).toBe(2);
    expect(offer(limiter, 25_000, 2).admitted).toBe(2);
    expect(offer(limiter, 30_000, 1)).toEqual({ admitted: 0, retryAfterMs: 30_000 });
    // At 60 s the segment of 0..20 s leaves the window: its 2 permits come back, no more.
    expect(offer(limiter, 60_000, 3)).toEqual({ admitted: 2, retryAfterMs: 20_000 });
    expect(offer(limiter, 80_000, 3)).toEqual({ admitted: 2, retryAfterMs: 40_000 });
  });

  test('unlike a fixed window, it does not admit a double burst across a window edge', () => {
    const sliding = new SlidingWindowLimiter(4, 60_000, 6, 0);
    const fixed = new FixedWindowLimiter(4, 60_000, 0);
    expect(offer(sliding, 55_000, 4).admitted + offer(sliding, 60_000, 4).admitted).toBe(4);
    expect(offer(fixed, 55_000, 4).admitted + offer(fixed, 60_000, 4).admitted).toBe(8);
  });
});

describe('token bucket', () => {
  test('starts full, refills tokensPerPeriod per period up to the limit, and names the next refill', () => {
    const limiter = new TokenBucketLimiter(3, 1, 10_000, 0);
    expect(offer(limiter, 0, 4)).toEqual({ admitted: 3, retryAfterMs: 10_000 });
    expect(offer(limiter, 4_000, 1)).toEqual({ admitted: 0, retryAfterMs: 6_000 });
    expect(offer(limiter, 10_000, 2)).toEqual({ admitted: 1, retryAfterMs: 10_000 });
    expect(offer(limiter, 1_000_000, 5).admitted).toBe(3);
  });

  test('several tokens per period arrive together', () => {
    const limiter = new TokenBucketLimiter(4, 2, 10_000, 0);
    offer(limiter, 0, 4);
    expect(offer(limiter, 10_000, 3)).toEqual({ admitted: 2, retryAfterMs: 10_000 });
  });
});

describe("ASP.NET's 100 ms replenishment timer", () => {
  test('a window ends on the first tick after its nominal end, and the lateness accumulates', () => {
    // The timer started at 0 and re-arms after each tick (101 ms apart); the partition began at 50 ms.
    const limiter = new FixedWindowLimiter(1, 10_000, 50, { tickMs: 100, originMs: 0 });
    expect(offer(limiter, 50, 2)).toEqual({ admitted: 1, retryAfterMs: 10_050 });
    expect(offer(limiter, 10_099, 1).admitted).toBe(0);
    expect(offer(limiter, 10_100, 1).admitted).toBe(1);
    expect(offer(limiter, 20_199, 1).admitted).toBe(0);
    expect(offer(limiter, 20_200, 1).admitted).toBe(1);
    // Long idle stretches are skipped in one step and keep the same spacing.
    expect(offer(limiter, 1_010_099, 1).admitted).toBe(1);
  });

  test('without the timer a window is exact', () => {
    const limiter = new FixedWindowLimiter(1, 10_000, 50);
    expect(offer(limiter, 10_050, 2)).toEqual({ admitted: 1, retryAfterMs: 10_000 });
  });

  test('rejections carry the lease metadata: a fixed window its whole length, a bucket its accrual time', () => {
    const fixed = new FixedWindowLimiter(1, 10_000, 0);
    offer(fixed, 0, 1);
    expect(fixed.tryAcquire(9_000)).toEqual({ admitted: false, retryAfterMs: 1_000, metadataMs: 10_000 });
    const bucket = new TokenBucketLimiter(1, 2, 4_000, 0);
    offer(bucket, 0, 1);
    expect(bucket.tryAcquire(1_000)).toEqual({ admitted: false, retryAfterMs: 3_000, metadataMs: 4_000 });
    const sliding = new SlidingWindowLimiter(1, 10_000, 5, 0);
    offer(sliding, 0, 1);
    expect(sliding.tryAcquire(1_000)).toMatchObject({ admitted: false, metadataMs: undefined });
  });
});

describe('partitions', () => {
  test('partitionBy ip gives each client address its own limiter, started at its first request', () => {
    const clock = new ManualClock(0);
    const limiter = new PartitionedLimiter({ ...DEFAULT_LIMITS, permitLimit: 2 }, clock);
    expect([1, 2, 3].map(() => limiter.tryAcquire('10.0.0.1').admitted)).toEqual([true, true, false]);
    clock.advance(30_000);
    expect([1, 2, 3].map(() => limiter.tryAcquire('10.0.0.2').admitted)).toEqual([true, true, false]);
    const lease = limiter.tryAcquire('10.0.0.2');
    expect(lease.admitted ? undefined : lease.retryAfterMs).toBe(60_000);
  });

  test('partitionBy global shares one limiter among all clients', () => {
    const limiter = new PartitionedLimiter(
      { ...DEFAULT_LIMITS, permitLimit: 2, partitionBy: 'global' },
      new ManualClock(0),
    );
    expect(['a', 'b', 'c'].map((ip) => limiter.tryAcquire(ip).admitted)).toEqual([true, true, false]);
  });

  test('reset forgets every partition', () => {
    const limiter = new PartitionedLimiter({ ...DEFAULT_LIMITS, permitLimit: 1 }, new ManualClock(0));
    limiter.tryAcquire('a');
    limiter.reset();
    expect(limiter.tryAcquire('a').admitted).toBe(true);
  });
});
