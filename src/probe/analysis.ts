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
import {
  bracketReset,
  DEFAULT_REJECT_STATUSES,
  defaultMargin,
  estimateWindow,
  medianDuration,
  type Observation,
  type Reset,
  type RetryAfterEvidence,
  round3,
  type Verdict,
  type WindowEstimate,
  waitedInQueue,
} from './timeline.ts';

export * from './timeline.ts';

export type Algorithm = 'fixed-window' | 'sliding-window' | 'token-bucket' | 'unknown';

export interface AnalysisOptions {
  rejectStatuses?: readonly number[];
  /** Timing tolerance in ms; by default 25 ms plus half the median round trip. */
  marginMs?: number;
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
  /**
   * Answers over the limit that came late instead of refused: the limiter queues (ASP.NET's
   * QueueLimit). A limit found this way has no rejection status until the queue is full.
   */
  queued: number;
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
  let previous: Verdict | undefined;
  const classified: Classified[] = sorted.map((o, index) => {
    if (rejectStatus === null && rejectStatuses.includes(o.status)) rejectStatus = o.status;
    const verdict: Verdict =
      o.status === rejectStatus
        ? 'rejected'
        : o.status === 0 || o.status >= 500 || rejectStatuses.includes(o.status)
          ? 'error'
          : waitedInQueue(o, median, previous)
            ? 'queued'
            : 'admitted';
    previous = verdict;
    return { ...o, index, verdict };
  });
  return { classified, rejectStatus: rejectStatus as number | null };
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
      const bracket = bracketReset(rejections, o, marginMs);
      resets.push({ ...bracket, at: (bracket.after + bracket.by) / 2, admittedIndex: o.index });
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
    queued: queued.length,
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
  // A run after a reset that got more than the limit ran through a reset nobody saw: the spacing
  // to the next reset spans that many windows (a wait that skipped a whole window).
  const windowsAfter = (i: number) => {
    const run = runs.find((candidate) => candidate.reset === resets[i]);
    return run && limit > 0 ? Math.max(1, Math.ceil(run.admitted.length / limit)) : 1;
  };
  if (resets.some((_, i) => windowsAfter(i) > 1)) {
    const corrected = estimateWindow(resets, firstT, windowsAfter);
    if (corrected) {
      base.window = corrected;
      base.windowSeconds = round3(corrected.seconds);
      notes.push('a run got more than the limit: the wait after it skipped a whole window, counted as two');
    }
  }
  if (!second || !third || !window) {
    notes.push('too few resets to tell the algorithm');
    return base;
  }
  // A sliding window gives back, one window after a run began, only what that run took in its
  // first segment; a fixed window gives back everything. So the gap between the first and second
  // admission of the run after the first reset decides which sliding windows are ruled out.
  const windowMs = window.seconds * 1000;
  const firstAfterReset = second.admitted[0];
  const secondAfterReset = second.admitted[1];
  const gap = firstAfterReset && secondAfterReset ? secondAfterReset.t - firstAfterReset.t : 0;
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
