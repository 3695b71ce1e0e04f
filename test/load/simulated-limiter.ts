/**
 * Test helper: rate limiters with ASP.NET Core's semantics on a virtual clock, and a driver that
 * runs the probe against them without sleeping. It lets property tests try thousands of limits,
 * windows and alignments in milliseconds; the recorded sequences from the reference API (over
 * real HTTP) keep this model honest.
 */
import type { Observation } from '../../src/probe/analysis.ts';
import type { Probe, ProbeResult } from '../../src/probe/probe.ts';

export type SimAlgorithm = 'fixed-window' | 'sliding-window' | 'token-bucket';

export interface SimLimiterOptions {
  algorithm: SimAlgorithm;
  permitLimit: number;
  windowSeconds: number;
  segmentsPerWindow?: number;
  tokensPerPeriod?: number;
  /** Where windows, segments and ticks start (ms); ASP.NET starts them when the limiter is made. */
  origin: number;
  rejectStatus?: number;
  /**
   * 'exact': rounded-up time to the next permit; 'truncated': rounded down (ASP.NET's sample);
   * 'whole-window': ASP.NET's fixed-window lease.
   */
  retryAfter?: 'exact' | 'truncated' | 'whole-window' | 'none';
}

export interface SimResponse {
  status: number;
  retryAfter?: number;
}

export function createSimLimiter(options: SimLimiterOptions): (t: number) => SimResponse {
  const { algorithm, permitLimit, origin } = options;
  const windowMs = options.windowSeconds * 1000;
  const rejectStatus = options.rejectStatus ?? 429;
  const mode = options.retryAfter ?? 'exact';
  const reject = (waitMs: number): SimResponse =>
    mode === 'none'
      ? { status: rejectStatus }
      : {
          status: rejectStatus,
          retryAfter:
            mode === 'whole-window'
              ? Math.ceil(windowMs / 1000)
              : mode === 'truncated'
                ? Math.floor(waitMs / 1000)
                : Math.ceil(waitMs / 1000),
        };

  if (algorithm === 'fixed-window') {
    const taken = new Map<number, number>();
    return (t) => {
      const k = Math.floor((t - origin) / windowMs);
      const used = taken.get(k) ?? 0;
      if (used < permitLimit) {
        taken.set(k, used + 1);
        return { status: 200 };
      }
      return reject(origin + (k + 1) * windowMs - t);
    };
  }
  if (algorithm === 'sliding-window') {
    const segments = options.segmentsPerWindow ?? 2;
    const segmentMs = windowMs / segments;
    const taken = new Map<number, number>();
    return (t) => {
      const i = Math.floor((t - origin) / segmentMs);
      let used = 0;
      for (let j = i - segments + 1; j <= i; j++) used += taken.get(j) ?? 0;
      if (used < permitLimit) {
        taken.set(i, (taken.get(i) ?? 0) + 1);
        return { status: 200 };
      }
      // The oldest segment still holding permits returns them S segments after it began.
      let oldest = i;
      for (let j = i - segments + 1; j <= i; j++) {
        if ((taken.get(j) ?? 0) > 0) {
          oldest = j;
          break;
        }
      }
      return reject(origin + (oldest + segments) * segmentMs - t);
    };
  }
  const perPeriod = options.tokensPerPeriod ?? 1;
  let tokens = permitLimit;
  let ticks = 0;
  return (t) => {
    const due = Math.floor((t - origin) / windowMs);
    if (due > ticks) {
      tokens = Math.min(permitLimit, tokens + (due - ticks) * perPeriod);
      ticks = due;
    }
    if (tokens >= 1) {
      tokens--;
      return { status: 200 };
    }
    return reject(origin + (ticks + 1) * windowMs - t);
  };
}

/** Runs a probe against a simulated server on a virtual clock; returns the result and the time used. */
export function runProbeVirtually(
  probe: Probe,
  server: (t: number) => SimResponse,
  options: { start?: number; latencyMs?: number | ((n: number) => number); maxSteps?: number } = {},
): { result: ProbeResult; timeline: Observation[]; elapsedMs: number } {
  const start = options.start ?? 0;
  let clock = start;
  const timeline: Observation[] = [];
  const latency = (n: number) =>
    typeof options.latencyMs === 'function' ? options.latencyMs(n) : (options.latencyMs ?? 2);
  for (let step = 0; step < (options.maxSteps ?? 10_000); step++) {
    const next = probe.next(clock);
    if (next.kind === 'done') return { result: next.result, timeline, elapsedMs: clock - start };
    if (next.kind === 'sleep') {
      clock += next.seconds * 1000;
      continue;
    }
    const rtt = latency(timeline.length);
    const handledAt = clock + rtt / 2;
    const response = server(handledAt);
    clock += rtt;
    const observation: Observation = { t: handledAt, status: response.status, durationMs: rtt };
    if (response.retryAfter !== undefined) observation.retryAfter = response.retryAfter;
    timeline.push(observation);
    probe.observe(observation);
  }
  throw new Error('the probe did not finish within maxSteps');
}
