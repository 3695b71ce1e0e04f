/**
 * The probe's sense of time, injectable. Against a real target it is the machine's clock and real
 * waits. Against an in-process reference API it can be virtual: the probe and the server read one
 * clock, and the probe's waits move that clock instead of passing. HTTP stays real, but what the
 * limiter admits no longer depends on how fast a busy machine serves the requests.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProbeTiming {
  /** Milliseconds on the probe's timeline (any origin; only differences count). */
  now(): number;
  /** Milliseconds since the epoch, for a `Retry-After` given as an HTTP date. */
  epochMs(): number;
  sleep(ms: number): Promise<void>;
}

export const realTiming: ProbeTiming = {
  now: () => performance.now(),
  epochMs: () => Date.now(),
  sleep: (ms) => sleep(ms),
};

/** What a virtual timing needs of the server's clock (the reference API's `ControllableClock`). */
export interface MovableClock {
  now(): number;
  advance(ms: number): void;
}

/**
 * Time the probe shares with the server whose `clock` it is. Each reading moves the clock on by
 * `tickMs`, so a round trip (read before, server reads, read after) takes a fixed, non-zero time
 * and no two requests share an instant, as on a real wire; waits advance the clock at once. The
 * clock must be a manual one (`ManualClock`), or real time would still leak in between readings.
 */
export function virtualTiming(clock: MovableClock, tickMs = 1): ProbeTiming {
  const origin = clock.now();
  return {
    now() {
      clock.advance(tickMs);
      return clock.now() - origin;
    },
    epochMs: () => clock.now(),
    async sleep(ms) {
      if (ms > 0) clock.advance(ms);
    },
  };
}
