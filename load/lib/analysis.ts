/**
 * Reading a rate limiter from the outside: given time-stamped responses, what is the limit, the
 * window, the algorithm, and can Retry-After be trusted? Pure functions with no k6 or Node
 * imports, so the k6 probe, the Node driver and the unit tests share one reading of the evidence.
 *
 * The model (ASP.NET Core's System.Threading.RateLimiting, which facilioo's backend most likely
 * uses): a fixed window gives back every permit at its boundary; a sliding window gives back, at
 * each segment tick, the permits taken one window earlier; a token bucket adds a fixed number of
 * tokens every replenishment period. A "reset" is the moment a rejected client is admitted again.
 */

export type Algorithm = 'fixed-window' | 'sliding-window' | 'token-bucket' | 'unknown';

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
const QUEUED_FACTOR = 4;
const QUEUED_MIN_MS = 250;

/** Whether an admitted answer waited in the limiter's queue, next to the median round trip. */
export function waitedInQueue(o: Observation, medianMs: number): boolean {
  return (o.durationMs ?? 0) > Math.max(QUEUED_MIN_MS, QUEUED_FACTOR * medianMs);
}

function medianDuration(timeline: readonly Observation[]): number {
  const durations = timeline
    .map((o) => o.durationMs)
    .filter((d): d is number => typeof d === 'number' && Number.isFinite(d))
    .sort((a, b) => a - b);
  return durations.length ? (durations[Math.floor(durations.length / 2)] ?? 0) : 0;
}

/** ASP.NET's limiter rejects with 503 unless configured; most APIs configure 429. */
export const DEFAULT_REJECT_STATUSES: readonly number[] = [429, 503];

export interface AnalysisOptions {
  rejectStatuses?: readonly number[];
  /** Timing tolerance in ms; by default 25 ms plus half the median round trip. */
  marginMs?: number;
}

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

export interface RateLimitAnalysis {
  limit: number | null;
  windowSeconds: number | null;
  window: WindowEstimate | null;
  algorithm: Algorithm;
  /** Token bucket only: tokens added per period (the period is `windowSeconds`). */
  tokensPerPeriod: number | null;
  rejectStatus: number | null;
  /** Retry-After of the first rejection, in seconds. */
  retryAfterSeconds: number | null;
  retryAfterSent: boolean;
  /** Waiting as told works and the wait is the rounded-up time to the reset, never more. */
  retryAfterCorrect: boolean | null;
  readmittedAfterRetryAfter: boolean | null;
  resets: Reset[];
  requestsSent: number;
  /** Responses that were neither admitted nor the rejection status: 5xx, or no response. */
  unexpected: number;
  notes: string[];
}

interface Classified extends Observation {
  index: number;
  verdict: Verdict;
}

/** A run of admissions between two rejections (or the start / end of the timeline). */
interface Run {
  admitted: Classified[];
  /** Ended by a rejection, so its count is what the limiter had to give. */
  complete: boolean;
  /** The reset that opened it; undefined for the run that starts the timeline. */
  reset: Reset | undefined;
}

/**
 * Which status means "rate limited": the first of `rejectStatuses` seen. Another 5xx after that,
 * or a response that never came, is an error, not a rejection.
 */
export function classify(timeline: readonly Observation[], rejectStatuses = DEFAULT_REJECT_STATUSES) {
  let rejectStatus: number | null = null;
  const sorted = [...timeline].sort((a, b) => a.t - b.t);
  const median = medianDuration(sorted);
  const classified: Classified[] = sorted.map((o, index) => {
    if (rejectStatus === null && rejectStatuses.includes(o.status)) rejectStatus = o.status;
    const verdict: Verdict =
      o.status === rejectStatus
        ? 'rejected'
        : o.status === 0 || o.status >= 500 || rejectStatuses.includes(o.status)
          ? 'error'
          : waitedInQueue(o, median)
            ? 'queued'
            : 'admitted';
    return { ...o, index, verdict };
  });
  return { classified, rejectStatus: rejectStatus as number | null };
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

function findResets(classified: readonly Classified[], marginMs: number, medianMs: number): Reset[] {
  const resets: Reset[] = [];
  let rejections: Classified[] = [];
  for (const o of classified) {
    if (o.verdict === 'error') continue;
    if (o.verdict === 'rejected') {
      rejections.push(o);
      continue;
    }
    if (o.verdict === 'queued') {
      // Held until a permit came back, then answered: the reset is when it left the queue.
      const left = o.t + ((o.durationMs ?? 0) - medianMs) / 2;
      resets.push({
        after: left - marginMs,
        by: left,
        at: left - marginMs / 2,
        admittedIndex: o.index,
        retryAfter: null,
      });
      rejections = [];
      continue;
    }
    if (rejections.length > 0) {
      const b = bracketReset(rejections, o, marginMs);
      resets.push({ ...b, at: (b.after + b.by) / 2, admittedIndex: o.index });
      rejections = [];
    }
  }
  return resets;
}

function findRuns(classified: readonly Classified[], resets: readonly Reset[]): Run[] {
  const runs: Run[] = [];
  let current: Run | undefined;
  for (const o of classified) {
    if (o.verdict === 'error') continue;
    if (o.verdict === 'rejected' || o.verdict === 'queued') {
      if (current) current.complete = true;
      current = undefined;
      if (o.verdict === 'rejected') continue;
    }
    if (!current) {
      current = { admitted: [], complete: false, reset: resets.find((r) => r.admittedIndex === o.index) };
      runs.push(current);
    }
    current.admitted.push(o);
  }
  return runs;
}

interface Interval {
  lo: number;
  hi: number;
}

function intersect(a: Interval, b: Interval): Interval | null {
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
export function estimateWindow(resets: readonly Reset[], firstT: number): WindowEstimate | null {
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
    return { lo: r.after - prev.by, hi: r.by - prev.after, mid: r.at - prev.at };
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

/** Reads limit, window, algorithm and Retry-After behaviour from a timeline. */
export function analyzeTimeline(
  timeline: readonly Observation[],
  options: AnalysisOptions = {},
): RateLimitAnalysis {
  const { classified, rejectStatus } = classify(timeline, options.rejectStatuses);
  const marginMs = options.marginMs ?? defaultMargin(timeline);
  const notes: string[] = [];
  const unexpected = classified.filter((o) => o.verdict === 'error').length;
  const firstRejection = classified.find((o) => o.verdict === 'rejected' || o.verdict === 'queued');
  const queued = classified.filter((o) => o.verdict === 'queued');
  const retryAfterSent = classified.some((o) => o.verdict === 'rejected' && typeof o.retryAfter === 'number');
  const base: RateLimitAnalysis = {
    limit: null,
    windowSeconds: null,
    window: null,
    algorithm: 'unknown',
    tokensPerPeriod: null,
    rejectStatus,
    retryAfterSeconds: firstRejection?.retryAfter ?? null,
    retryAfterSent,
    retryAfterCorrect: null,
    readmittedAfterRetryAfter: null,
    resets: [],
    requestsSent: timeline.length,
    unexpected,
    notes,
  };
  if (!firstRejection) {
    notes.push('no request was rejected: no limit found within the budget');
    return base;
  }

  const resets = findResets(classified, marginMs, medianDuration(classified));
  if (queued.length > 0) {
    const longest = Math.max(...queued.map((o) => o.durationMs ?? 0));
    notes.push(
      `queueing: ${queued.length} requests over the limit waited (up to ${round3(longest / 1000)} s) instead of being rejected`,
    );
  }
  const runs = findRuns(classified, resets);
  // The first complete run saw a full allowance: at the start of the timeline, or right after the
  // first reset when the window was already spent when we came.
  const fullIndex = runs.findIndex((r) => r.complete && r.admitted.length > 0);
  const full = runs[fullIndex];
  const firstT = full?.admitted[0]?.t ?? classified[0]?.t ?? 0;
  const window = estimateWindow(resets, firstT);
  base.resets = resets;
  base.window = window;
  base.windowSeconds = window ? round3(window.seconds) : null;

  const evidence = resets.map((r) => r.retryAfter).filter((e): e is RetryAfterEvidence => e !== null);
  if (evidence.length > 0) {
    base.retryAfterCorrect = evidence.every((e) => !e.tooShort && !e.tooLong && !e.inconsistent);
    const honoured = evidence.map((e) => e.honoured);
    base.readmittedAfterRetryAfter = honoured.includes(false) ? false : honoured.includes(true) ? true : null;
    if (evidence.some((e) => e.truncated))
      notes.push(
        'Retry-After is truncated to whole seconds: waiting as told can be up to a second too short',
      );
  } else if (retryAfterSent) {
    notes.push('Retry-After was sent but the probe never got in again, so it was not checked');
  }
  if (!full) {
    notes.push('no complete burst: the limit is not known');
    return base;
  }

  const taken = full.admitted.length;
  const second = runs[fullIndex + 1];
  const third = runs[fullIndex + 2];
  const nextReset = second?.reset;
  const secondCount = second?.complete ? second.admitted.length : null;
  const lastTaken = full.admitted[full.admitted.length - 1]?.t ?? firstT;

  // A burst that straddles a boundary gets the end of one window and the start of the next
  // (or, from a bucket, one more period's tokens). Admissions too close to the boundary to place
  // may count on either side.
  let crossed = false;
  let early = 0;
  let late = taken;
  if (window && nextReset) {
    const boundary = nextReset.at - window.seconds * 1000;
    const tolerance = (nextReset.by - nextReset.after) / 2 + ((window.high - window.low) / 2) * 1000;
    early = full.admitted.filter((o) => o.t < boundary - tolerance).length;
    late = full.admitted.filter((o) => o.t > boundary + tolerance).length;
    crossed = early > 0 && late > 0;
  }
  const crossingExplains =
    crossed && secondCount !== null && secondCount >= late && secondCount <= taken - early;
  const crossedAfter = crossingExplains ? (secondCount as number) : taken;
  const before = crossingExplains ? early : 0;

  if (secondCount !== null && secondCount < crossedAfter) {
    if (window && nextReset && nextReset.after - lastTaken > window.high * 1000 + marginMs) {
      // A bucket refills every period, so no client waits longer than one. A longer wait followed
      // by a partial return is a sliding window whose segments split the first burst: its window
      // ends between the first return and one segment (the spacing just measured) later.
      base.algorithm = 'sliding-window';
      base.limit = taken;
      const iv = { lo: nextReset.after - firstT, hi: nextReset.by - firstT + window.high * 1000 };
      base.window = {
        seconds: (iv.lo + iv.hi) / 2000,
        low: iv.lo / 1000,
        high: iv.hi / 1000,
        basis: 'first request to reset',
      };
      base.windowSeconds = round3(base.window.seconds);
      notes.push(
        'the first burst was split across two segments of a sliding window, so the window is known only roughly',
      );
      return base;
    }
    // Only part of the allowance comes back at once: tokens trickling in. A tick inside the
    // first burst added one period's tokens to it.
    base.algorithm = 'token-bucket';
    base.limit = crossed ? taken - secondCount : taken;
    base.tokensPerPeriod = secondCount;
    if (crossed) notes.push(`a refill fell inside the first burst; not counting its ${secondCount} tokens`);
    return base;
  }
  if (before > 0)
    notes.push(`the first burst crossed a window boundary; counting the ${crossedAfter} requests after it`);
  // The run after the first reset counts a whole window, unless that reset was found so late
  // (polling without Retry-After) that the run may have reached into the next window.
  let limit = secondCount ?? crossedAfter;
  if (
    secondCount !== null &&
    secondCount > crossedAfter &&
    window &&
    nextReset &&
    nextReset.by - nextReset.after > 0.2 * window.seconds * 1000
  ) {
    notes.push(`the run after a late-found reset (${secondCount}) may have reached into the next window`);
    limit = crossedAfter;
  }
  base.limit = limit;
  if (!second || !third || !window) {
    notes.push('too few resets to tell the algorithm');
    return base;
  }
  // A sliding window gives back, one window after a run began, only what that run took in its
  // first segment; a fixed window gives back everything. So the gap between the first and second
  // admission of the run after the first reset decides which sliding windows are ruled out.
  const windowMs = window.seconds * 1000;
  const a = second.admitted[0];
  const b = second.admitted[1];
  const gap = a && b ? b.t - a.t : 0;
  const thirdCount = third.admitted.length;
  if (third.complete && thirdCount < limit) {
    if (gap >= windowMs / 8) base.algorithm = 'sliding-window';
    else
      notes.push('a reset gave back less than the limit although nothing was taken since: a shared limiter?');
  } else if (thirdCount >= 2 || (third.complete && thirdCount >= limit)) {
    // Two admitted where a sliding window of S segments would give back one: S < window / gap.
    const maxSegments = gap > 0 ? windowMs / gap : Number.POSITIVE_INFINITY;
    if (maxSegments < 2) base.algorithm = 'fixed-window';
    else if (maxSegments < 3)
      notes.push('a fixed window, or a sliding window of two segments: both look like this');
    else
      notes.push(
        'the run after the first reset was not spread out enough to tell a fixed from a sliding window',
      );
  } else {
    notes.push('the last reset was not probed far enough to tell a fixed from a sliding window');
  }
  if (limit === 1 && base.algorithm === 'fixed-window') {
    notes.push('with a limit of 1 a sliding window and a token bucket behave like a fixed window');
  }
  return base;
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
