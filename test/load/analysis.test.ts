// The analysis reads a limiter only from what the responses show: limit, window and algorithm
// must follow from the timeline, and Retry-After is judged by what happened, not by its promise.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { analyzeTimeline, bracketReset, type Observation } from '../../src/probe/analysis.ts';
import { recordVirtually } from './record-sequences.ts';
import { createSimLimiter, type SimAlgorithm } from './simulated-limiter.ts';

const at = (t: number, status: number, retryAfter?: number): Observation =>
  retryAfter === undefined ? { t, status } : { t, status, retryAfter };

/**
 * The schedule waits each Retry-After out, so it knows a reset only to the second before it:
 * the window is within half a second, and the reported bounds must hold the truth.
 */
function expectWindow(a: ReturnType<typeof analyzeTimeline>, seconds: number) {
  expect(Math.abs((a.windowSeconds ?? 0) - seconds)).toBeLessThanOrEqual(0.5);
  expect(a.window?.low).toBeLessThanOrEqual(seconds);
  expect(a.window?.high).toBeGreaterThanOrEqual(seconds);
}

function limiter(algorithm: SimAlgorithm, extra: Partial<Parameters<typeof createSimLimiter>[0]> = {}) {
  return createSimLimiter({
    algorithm,
    permitLimit: 6,
    windowSeconds: 4,
    segmentsPerWindow: 4,
    tokensPerPeriod: 2,
    origin: 1,
    ...extra,
  });
}

describe('reading a scripted timeline', () => {
  test('a fixed window reads as its limit, its window and fixed-window', async () => {
    const timeline = await recordVirtually(limiter('fixed-window'), { windowSeconds: 4 });
    const a = analyzeTimeline(timeline);
    expect(a).toMatchObject({ limit: 6, algorithm: 'fixed-window', rejectStatus: 429, retryAfterSeconds: 4 });
    expectWindow(a, 4);
    expect(a.retryAfterCorrect).toBe(true);
    expect(a.readmittedAfterRetryAfter).toBe(true);
  });

  test('a sliding window gives back only the first segment at the next reset and reads as sliding-window', async () => {
    const timeline = await recordVirtually(limiter('sliding-window'), { windowSeconds: 4 });
    const a = analyzeTimeline(timeline);
    expect(a).toMatchObject({ limit: 6, algorithm: 'sliding-window' });
    expectWindow(a, 4);
  });

  test('a token bucket reads as its capacity, its tokens per period and the period as window', async () => {
    const timeline = await recordVirtually(limiter('token-bucket'), { windowSeconds: 4 });
    const a = analyzeTimeline(timeline);
    expect(a).toMatchObject({ limit: 6, algorithm: 'token-bucket', tokensPerPeriod: 2 });
    expectWindow(a, 4);
  });

  test('the reported window bounds contain the true window for any limiter, phase and latency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<SimAlgorithm>('fixed-window', 'sliding-window', 'token-bucket'),
        fc.integer({ min: 2, max: 20 }),
        fc.constantFrom(1, 2, 3, 5, 10, 60),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        async (algorithm, permitLimit, windowSeconds, phase, latencyMs) => {
          const server = createSimLimiter({
            algorithm,
            permitLimit,
            windowSeconds,
            segmentsPerWindow: 2,
            tokensPerPeriod: 1,
            origin: -phase * windowSeconds * 1000,
          });
          const a = analyzeTimeline(await recordVirtually(server, { windowSeconds }, latencyMs));
          expect(a.window).not.toBeNull();
          // Token buckets and split bursts report a period or a rough range; the truth is inside.
          expect(a.window?.low).toBeLessThanOrEqual(windowSeconds + 0.001);
          expect(a.window?.high).toBeGreaterThanOrEqual(windowSeconds - 0.001);
        },
      ),
      { numRuns: 150 },
    );
  });

  // Found by the property above with a random seed: the wait skipped a whole window, so two
  // consecutive resets are two windows apart. The run that admitted 3 against a limit of 2 shows
  // the reset nobody saw, and the spacing counts as two windows.
  test('a wait that skips a whole fixed window (2 per 2 s, phase 0.365, 9 ms per request) is bracketed', async () => {
    const server = createSimLimiter({
      algorithm: 'fixed-window',
      permitLimit: 2,
      windowSeconds: 2,
      segmentsPerWindow: 2,
      tokensPerPeriod: 1,
      origin: -0.36475 * 2000,
    });
    const a = analyzeTimeline(await recordVirtually(server, { windowSeconds: 2 }, 9));
    expectWindow(a, 2);
  });

  test('a burst that straddles a fixed-window boundary counts only the requests after the boundary', () => {
    // Limit 3 per second; the boundary at t=30 splits the first burst 2 + 3.
    const timeline = [
      ...[0, 20, 40, 60, 80].map((t) => at(t, 200)),
      at(100, 429, 1),
      at(1020, 429, 1),
      at(1032, 200),
      at(1700, 200),
      at(1720, 200),
      at(1740, 429, 1),
      at(2025, 429, 1),
      at(2033, 200),
      at(2034, 200),
    ];
    const a = analyzeTimeline(timeline, { marginMs: 5 });
    expect(a.limit).toBe(3);
    expect(a.algorithm).toBe('fixed-window');
    expect(a.notes.join(' ')).toContain('crossed a window boundary');
  });

  test('a sliding window whose first burst was split across segments is not read as a token bucket', async () => {
    const server = limiter('sliding-window', { origin: -970 });
    const a = analyzeTimeline(await recordVirtually(server, { windowSeconds: 4 }, 10));
    expect(a.algorithm).toBe('sliding-window');
    expect(a.limit).toBe(6);
  });
});

describe('statuses', () => {
  test('a timeline with no rejection reports no limit', () => {
    const a = analyzeTimeline([at(0, 200), at(5, 200), at(10, 200)]);
    expect(a.limit).toBeNull();
    expect(a.notes.join(' ')).toContain('no limit found within the budget');
  });

  test('503 is the rejection status when it comes first, and a later 429 counts as unexpected', () => {
    const a = analyzeTimeline([at(0, 200), at(5, 503, 1), at(10, 429), at(1100, 200)]);
    expect(a.rejectStatus).toBe(503);
    expect(a.unexpected).toBe(1);
  });

  test('a 5xx other than the rejection status is unexpected, not a rejection', () => {
    const a = analyzeTimeline([at(0, 200), at(5, 500), at(10, 200), at(15, 429, 1), at(1100, 200)]);
    expect(a.unexpected).toBe(1);
    expect(a.rejectStatus).toBe(429);
  });
});

describe('Retry-After', () => {
  test('Retry-After narrows the reset to the second before its deadline', () => {
    const b = bracketReset([at(0, 429, 3)], at(5000, 200), 10);
    expect(b.after).toBe(2000);
    expect(b.by).toBe(3000);
    expect(b.retryAfter?.honoured).toBe(true);
  });

  test('a Retry-After that is too short is incorrect and not honoured', () => {
    // Told to wait 1 s at t=100, still rejected at 1200.
    const a = analyzeTimeline([at(0, 200), at(100, 429, 1), at(1200, 429, 1), at(2300, 200)]);
    expect(a.retryAfterCorrect).toBe(false);
    expect(a.readmittedAfterRetryAfter).toBe(false);
  });

  test('a Retry-After that asks for more than a second longer than needed is incorrect', () => {
    // Told to wait 10 s at t=100 (a whole window), admitted at 3000.
    const a = analyzeTimeline([at(0, 200), at(100, 429, 10), at(3000, 200)]);
    expect(a.retryAfterCorrect).toBe(false);
    expect(a.readmittedAfterRetryAfter).toBeNull();
  });

  test('no Retry-After leaves correctness unknown instead of passing it', () => {
    const a = analyzeTimeline([at(0, 200), at(5, 429), at(2000, 200)]);
    expect(a.retryAfterSent).toBe(false);
    expect(a.retryAfterCorrect).toBeNull();
    expect(a.readmittedAfterRetryAfter).toBeNull();
  });
});
