/**
 * The evidence a rate-limit reading rests on: observations, when a rejected client got in again
 * (a reset, bracketed by Retry-After where it can be trusted, rounded up or down), and the
 * window that the spacing of resets allows. Pure functions, no k6 or Node imports; analysis.ts
 * draws the conclusions.
 */

export interface Observation {
  /** When the server most likely handled the request, in ms (the midpoint of send and receive). */
  t: number;
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** The Retry-After header in seconds, when the response carried one. */
  retryAfter?: number | undefined;
  /** Round-trip time in ms; lets timing tolerances follow the network. */
  durationMs?: number | undefined;
}

/** `queued`: admitted only after waiting in the limiter's queue (ASP.NET's QueueLimit > 0). */
export type Verdict = 'admitted' | 'rejected' | 'error' | 'queued';

/** An answer this much slower than usual (and at least QUEUED_MIN_MS) waited in a queue. */
const QUEUED_FACTOR = 8;
const QUEUED_MIN_MS = 500;

/**
 * Whether an admitted answer waited in the limiter's queue: far slower than the median round trip,
 * and right after an admission (a queue holds the request after the allowance is used up; a slow
 * first request is a cold start, a slow one after a rejection a reset found by polling).
 */
export function waitedInQueue(o: Observation, medianMs: number, previous: Verdict | undefined): boolean {
  return previous === 'admitted' && (o.durationMs ?? 0) > Math.max(QUEUED_MIN_MS, QUEUED_FACTOR * medianMs);
}

export function medianDuration(timeline: readonly Observation[]): number {
  const durations = timeline
    .map((o) => o.durationMs)
    .filter((d): d is number => typeof d === 'number' && Number.isFinite(d))
    .sort((a, b) => a - b);
  return durations.length ? (durations[Math.floor(durations.length / 2)] ?? 0) : 0;
}

/** ASP.NET's limiter rejects with 503 unless configured; most APIs configure 429. */
export const DEFAULT_REJECT_STATUSES: readonly number[] = [429, 503];

/** When a rejected client got in again: after `after`, by `by` (ms). */
export interface Reset {
  after: number;
  by: number;
  at: number;
  /** Index (in the sorted timeline) of the admission that ended the rejections. */
  admittedIndex: number;
  retryAfter: RetryAfterEvidence | null;
}

export interface RetryAfterEvidence {
  /** Earliest deadline any rejection announced (t + Retry-After). */
  deadline: number;
  /** A rejection arrived after an announced deadline: waiting as told is not enough. */
  tooShort: boolean;
  /** The client got in more than a second before an announced deadline: it asks for too long a wait. */
  tooLong: boolean;
  /** The announced deadlines cannot all be the rounded-up time to one reset. */
  inconsistent: boolean;
  /** true: admitted at the first try at or after the deadline; false: rejected after it; null: not tried. */
  honoured: boolean | null;
  /** Too short by under a second every time: whole seconds rounded down, as ASP.NET's sample writes them. */
  truncated: boolean;
}

export interface WindowEstimate {
  seconds: number;
  /** Bounds the evidence allows, in seconds. */
  low: number;
  high: number;
  basis:
    | 'consecutive resets'
    | 'consecutive resets, window opened by the first request'
    | 'first request to reset';
}

export function defaultMargin(timeline: readonly Observation[]): number {
  const durations = timeline
    .map((o) => o.durationMs)
    .filter((d): d is number => typeof d === 'number' && Number.isFinite(d))
    .sort((a, b) => a - b);
  const median = durations.length ? (durations[Math.floor(durations.length / 2)] ?? 0) : 0;
  return 25 + median / 2;
}

/** Brackets one reset from the rejections before it and the admission that ended them. */
export function bracketReset(rejections: readonly Observation[], admitted: Observation, marginMs: number) {
  const last = rejections[rejections.length - 1];
  if (!last) throw new Error('bracketReset needs at least one rejection');
  let after = last.t;
  let by = admitted.t;
  const withRa = rejections.filter((r) => typeof r.retryAfter === 'number' && r.retryAfter >= 0);
  if (withRa.length === 0) return { after, by, retryAfter: null };

  /** The reset as the headers put it, reading each as rounded up (shift 0) or down (shift 1 s). */
  const read = (shift: number) => {
    let deadline = Number.POSITIVE_INFINITY;
    let floor = Number.NEGATIVE_INFINITY;
    let late = false;
    for (const r of rejections) {
      if (r.t > deadline + marginMs) late = true;
      if (typeof r.retryAfter === 'number' && r.retryAfter >= 0) {
        deadline = Math.min(deadline, r.t + r.retryAfter * 1000 + shift);
        floor = Math.max(floor, r.t + (r.retryAfter - 1) * 1000 + shift);
      }
    }
    return {
      deadline,
      floor,
      late,
      early: admitted.t < floor - marginMs,
      inconsistent: floor > deadline + marginMs,
    };
  };
  const roundedUp = read(0);
  const { deadline } = roundedUp;
  const tooShort = roundedUp.late;
  const tooLong = roundedUp.early;
  const inconsistent = roundedUp.inconsistent;
  const honoured = tooShort ? false : admitted.t >= deadline - marginMs ? true : null;
  // Rejected after a deadline, by less than a second everywhere: whole seconds rounded down
  // (ASP.NET's documented sample). Waiting as told is then not enough, but the headers still
  // place the reset, a second later than a rounded-up reading would.
  const fits = (reading: ReturnType<typeof read>) => !reading.late && !reading.early && !reading.inconsistent;
  // "Retry-After: 0" on a refusal is itself rounded down: rounded up it would say at least 1.
  const roundedDown = rejections.some((r) => r.t > deadline || r.retryAfter === 0) ? read(1000) : undefined;
  const truncated = roundedDown !== undefined && fits(roundedDown);
  const usable = truncated ? roundedDown : fits(roundedUp) ? roundedUp : undefined;
  if (usable) {
    // The reset lies in (deadline - 1 s, deadline] of the reading that fits.
    after = Math.max(after, usable.floor);
    by = Math.min(by, usable.deadline);
    if (after > by) after = by = (after + by) / 2;
  }
  return { after, by, retryAfter: { deadline, tooShort, tooLong, inconsistent, honoured, truncated } };
}

export interface Interval {
  lo: number;
  hi: number;
}

export function intersect(a: Interval, b: Interval): Interval | null {
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : null;
}

/** Whole numbers k ≥ 1 for which a span in [lo, hi] can be k windows of a size within `w`. */
function feasibleMultiples(w: Interval, lo: number, hi: number): number[] {
  const ks: number[] = [];
  const from = Math.max(1, Math.ceil(lo / Math.max(w.hi, 1e-9) - 1e-9));
  const to = w.lo > 0 ? Math.floor(hi / w.lo + 1e-9) : from;
  for (let k = from; k <= Math.min(to, from + 50); k++) {
    if (intersect(w, { lo: lo / k, hi: hi / k })) ks.push(k);
  }
  return ks;
}

/** Narrows `w` by a span of some whole number of windows, when only one number fits. */
function narrowByMultiple(w: Interval, lo: number, hi: number): Interval {
  const ks = feasibleMultiples(w, lo, hi);
  if (ks.length !== 1) return w;
  return intersect(w, { lo: lo / ks[0]!, hi: hi / ks[0]! }) ?? w;
}

/**
 * The window (or replenishment period) from the spacing of resets. Each reset is bracketed, so
 * each spacing is an interval; spacings spanning several windows count as several. When the
 * limiter opened its window with our first request, reset k also lies k windows after it — a
 * second, often tighter, reading used only where it agrees with the first.
 */
export function estimateWindow(
  resets: readonly Reset[],
  firstT: number,
  /** Windows the spacing after reset i spans at least (a run that got more than the limit hid a reset). */
  windowsAfter: (i: number) => number = () => 1,
): WindowEstimate | null {
  const toEstimate = (iv: Interval, basis: WindowEstimate['basis']): WindowEstimate => ({
    seconds: (iv.lo + iv.hi) / 2000,
    low: iv.lo / 1000,
    high: iv.hi / 1000,
    basis,
  });
  const first = resets[0];
  if (!first) return null;
  if (resets.length === 1) {
    if (first.by <= firstT) return null;
    return toEstimate(
      { lo: Math.max(0, first.after - firstT), hi: first.by - firstT },
      'first request to reset',
    );
  }
  const spacings = resets.slice(1).map((r, i) => {
    const prev = resets[i] as Reset;
    const k = windowsAfter(i);
    return { lo: (r.after - prev.by) / k, hi: (r.by - prev.after) / k, mid: (r.at - prev.at) / k };
  });
  const base = spacings.filter((s) => s.mid > 0).sort((a, b) => a.hi - a.lo - (b.hi - b.lo))[0];
  if (!base) return null;
  let spacing: Interval = { lo: Math.max(0, base.lo), hi: base.hi };
  for (const s of spacings) spacing = narrowByMultiple(spacing, s.lo, s.hi);
  // Reset k (counting from the full burst) lies k windows after our first request when the
  // limiter opened its window with it; resets before that burst say nothing about it.
  let aligned: Interval | null = spacing;
  let used = 0;
  for (const r of resets) {
    if (r.by <= firstT) continue;
    const ks = feasibleMultiples(aligned, r.after - firstT, r.by - firstT);
    if (ks.length === 0) {
      aligned = null;
      break;
    }
    used++;
    if (ks.length === 1)
      aligned = intersect(aligned, { lo: (r.after - firstT) / ks[0]!, hi: (r.by - firstT) / ks[0]! });
    if (!aligned) break;
  }
  if (used === 0) aligned = null;
  // The alignment reading is an assumption: it sharpens the estimate, but the bounds stay those
  // that hold whatever the phase, so they never claim more than the resets show.
  return aligned
    ? {
        ...toEstimate(aligned, 'consecutive resets, window opened by the first request'),
        low: spacing.lo / 1000,
        high: spacing.hi / 1000,
      }
    : toEstimate(spacing, 'consecutive resets');
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
