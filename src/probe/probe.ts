/**
 * The rate-limit probe as a pure, synchronous state machine: it decides when to send and how
 * long to wait; a driver (k6's http.post + sleep, or undici in Node) does the I/O and reports
 * each response back. One algorithm, two drivers — the tests and the benchmark exercise exactly
 * the code that runs under k6. No k6 or Node imports here.
 *
 * Strategy (shared environments: spend little):
 *  1. Burst until the first rejection: the limit L, if the window opened with our first request.
 *  2. Wait for the reset. Retry-After bounds it to a second; rejected polls placed a whole number
 *     of seconds before a candidate time answer "before or after?" without using a permit.
 *  3. At the reset take one permit, wait over half a window, then take the rest: a fixed window
 *     returns them all at its next boundary, a sliding window only the first one (its segment
 *     expires first), a token bucket only ever returns its tokens per period.
 *  4. Find the next reset precisely (window = spacing of resets), take one more request: admitted
 *     → fixed window, rejected → sliding window.
 * Cost: 2L + 2 requests plus about 8 polls, and about two windows of time when Retry-After is
 * sent. Without Retry-After the waits are found by polling at doubling intervals (best effort).
 */
import { DEFAULT_REJECT_STATUSES, type Observation, type Verdict, waitedInQueue } from './analysis.ts';
import { buildResult, type ProbeResult, type StopReason } from './probe-result.ts';

export type { ProbeResult, RateLimitFindings, StopReason } from './probe-result.ts';

export interface ProbeConfig {
  /** What is probed, for the report: a route name or a path. */
  endpoint: string;
  /** Hard cap on requests; the probe stops and reports what it has. */
  maxRequests?: number;
  /** Hard cap on time, counted from the first request. */
  maxSeconds?: number;
  /** Statuses that mean "rate limited"; the first one seen is the limiter's. */
  rejectStatuses?: readonly number[];
  /** Stop after this many 5xx (other than the rejection status) or missing responses. */
  maxErrors?: number;
}

export const PROBE_DEFAULTS = { maxRequests: 100, maxSeconds: 600, maxErrors: 3 } as const;

export type ProbeStep =
  | { kind: 'send' }
  | { kind: 'sleep'; seconds: number }
  | { kind: 'done'; result: ProbeResult };

export interface Probe {
  /** What to do now. `now` (ms, same clock as observations) sharpens the sleeps when given. */
  next(now?: number): ProbeStep;
  /** The response to the last `send`. */
  observe(observation: Observation): void;
}

type Command = { kind: 'send' } | { kind: 'wait'; until: number };
type Gen<T> = Generator<Command, T, Observation | undefined>;

interface Context {
  now(): number;
  /** ms from deciding to send until the server handles it. */
  lead(): number;
  margin(): number;
  verdict(o: Observation): Verdict;
  spent(): number;
}

interface Interval {
  lo: number;
  hi: number;
}

interface ResetFound {
  admission: Observation;
  after: number;
  by: number;
}

interface ResetPlan {
  /** Requests this search may spend, the admitted one included; Infinity when doubling blindly. */
  polls: number;
  /** Stop narrowing once the bracket is this narrow (ms). */
  targetMs: number;
  /** Where the reset is expected; trusted only until contradicted. */
  hint?: Interval | undefined;
  /** Doubling starts from here when nothing bounds the wait. */
  anchor: number;
  minStepMs: number;
}

function* send(): Gen<Observation> {
  const response = yield { kind: 'send' };
  if (!response) throw new Error('probe: a send was answered without an observation');
  return response;
}

function* sendAt(ctx: Context, at: number): Gen<Observation> {
  const wake = at - ctx.lead();
  if (wake > ctx.now() + 1) yield { kind: 'wait', until: wake };
  return yield* send();
}

function* burst(ctx: Context): Gen<{ admitted: Observation[]; rejection: Observation }> {
  const admitted: Observation[] = [];
  for (;;) {
    const response = yield* send();
    const verdict = ctx.verdict(response);
    // A queued answer came late instead of refused: the limit is reached all the same.
    if (verdict === 'rejected' || verdict === 'queued') return { admitted, rejection: response };
    if (verdict === 'admitted') admitted.push(response);
  }
}

/**
 * Waits for the reset that ends `rejections`. Retry-After (rounded-up seconds) puts it in
 * (deadline - 1 s, deadline]; a rejected poll one second before a candidate time halves that
 * bracket, because its Retry-After (1 or 2) tells whether the reset is more than a second away.
 * Closer than a second, polls step forward evenly. A Retry-After that proves wrong is dropped
 * and the search falls back to plain polling.
 */
function* awaitReset(ctx: Context, rejections: readonly Observation[], plan: ResetPlan): Gen<ResetFound> {
  let lo = Number.NEGATIVE_INFINITY;
  let deadline = Number.POSITIVE_INFINITY;
  let floor = Number.NEGATIVE_INFINITY;
  let tight = true;
  let hint = plan.hint;
  /** 1 s once Retry-After proves truncated (ASP.NET's sample writes whole seconds rounded down). */
  let truncation = 0;
  const announced: Observation[] = [];
  const bound = (rejection: Observation) => {
    const seconds = rejection.retryAfter as number;
    deadline = Math.min(deadline, rejection.t + seconds * 1000 + truncation);
    if (tight) floor = Math.max(floor, rejection.t + (seconds - 1) * 1000 + truncation);
  };
  const absorb = (rejection: Observation) => {
    // A rounded-up header never tells a refused client to come back at once: 0 means rounded down.
    const saysNow = rejection.retryAfter === 0;
    if (rejection.t > deadline + ctx.margin() || (saysNow && truncation === 0)) {
      if (truncation === 0 && tight && rejection.t <= deadline + 1000 + ctx.margin()) {
        // Rejected within a second after the announced deadline: whole seconds rounded down.
        truncation = 1000;
        deadline = Number.POSITIVE_INFINITY;
        floor = Number.NEGATIVE_INFINITY;
        for (const earlier of announced) bound(earlier);
      } else {
        // Rejected later still: the header is too short to trust.
        tight = false;
        deadline = Number.POSITIVE_INFINITY;
      }
    }
    if (typeof rejection.retryAfter === 'number' && rejection.retryAfter >= 0) {
      announced.push(rejection);
      bound(rejection);
    }
    if (floor > deadline + ctx.margin()) tight = false;
    lo = Math.max(lo, rejection.t);
  };
  for (const r of rejections) absorb(r);
  let polls = 0;
  for (;;) {
    const known: Interval = { lo: tight ? Math.max(lo, floor) : lo, hi: deadline };
    // The hint and a rounded-up Retry-After can disagree; ASP.NET's fixed window, for one,
    // announces a whole window. Then the hint is scanned and Retry-After only caps the wait.
    let bracket = known;
    let trustFloor = tight;
    if (hint) {
      const inside = { lo: Math.max(lo, hint.lo), hi: Math.min(deadline, hint.hi) };
      if (inside.lo >= inside.hi) hint = undefined;
      else if (known.lo < inside.hi) bracket = { lo: Math.max(inside.lo, known.lo), hi: inside.hi };
      else {
        bracket = inside;
        trustFloor = false;
      }
    }
    const earliest = ctx.now() + ctx.lead() + 2;
    const left = plan.polls - polls;
    let at: number;
    if (bracket.hi < Number.POSITIVE_INFINITY) {
      const width = bracket.hi - bracket.lo;
      const mid = (bracket.lo + bracket.hi) / 2;
      // One second before the candidate is as informative as m seconds before, and late enough
      // that a Retry-After stuck at a whole window (ASP.NET's fixed window) contradicts itself.
      const wholeSeconds =
        trustFloor && deadline < Number.POSITIVE_INFINITY && mid - earliest >= 1000 ? 1 : 0;
      // With a hint and a deadline, the last poll is kept for the deadline, which is sure to
      // get in: a wrong hint then costs precision, never an extra request.
      const reserve = hint && known.hi < Number.POSITIVE_INFINITY ? 1 : 0;
      const from = Math.max(bracket.lo, earliest);
      // Before scanning a hint, a rejection just ahead of it anchors the bracket's lower end.
      const anchored = !hint || lo >= bracket.lo - 2 * ctx.margin();
      if (left <= 1) at = known.hi + ctx.margin();
      else if (!anchored && left - reserve >= 2) at = bracket.lo - ctx.margin();
      else if (width <= plan.targetMs) at = bracket.hi + ctx.margin();
      else if (wholeSeconds >= 1) at = mid - wholeSeconds * 1000;
      else at = from + (bracket.hi + (reserve ? ctx.margin() : 0) - from) / Math.max(1, left - reserve);
      if (!Number.isFinite(at)) at = bracket.hi + ctx.margin();
    } else {
      const elapsed = Math.max(0, lo - plan.anchor);
      at = Math.max(lo + plan.minStepMs, plan.anchor + 2 * elapsed);
    }
    const response = yield* sendAt(ctx, Math.max(at, earliest));
    polls++;
    const verdict = ctx.verdict(response);
    if (verdict === 'admitted' || verdict === 'queued') {
      // In before the announced earliest moment: the header asks for too long a wait.
      if (response.t < floor - ctx.margin()) tight = false;
      return { admission: response, after: tight ? Math.max(lo, floor) : lo, by: response.t };
    }
    if (verdict === 'rejected') {
      if (hint && response.t >= hint.hi) hint = undefined;
      absorb(response);
    }
  }
}

function* strategy(ctx: Context): Gen<StopReason> {
  let opening = yield* burst(ctx);
  let spentBefore = 0;
  if (opening.admitted.length === 0) {
    // The window was already spent when we came: wait it out, then count a whole window.
    const refill = yield* awaitReset(ctx, [opening.rejection], {
      polls: 1,
      targetMs: Number.POSITIVE_INFINITY,
      anchor: opening.rejection.t,
      minStepMs: 100,
    });
    spentBefore = ctx.spent() - 1;
    const more = yield* burst(ctx);
    opening = { admitted: [refill.admission, ...more.admitted], rejection: more.rejection };
  }
  const limit = opening.admitted.length;
  const tFirst = (opening.admitted[0] as Observation).t;
  const burstMs = opening.rejection.t - tFirst;
  // The promise: at most 2L + 10 requests. Two bursts and the final request take 2L + 2.
  const softBudget = spentBefore + 2 * limit + 10;
  const hasRetryAfter = typeof opening.rejection.retryAfter === 'number';
  const guess = hasRetryAfter
    ? opening.rejection.t + (opening.rejection.retryAfter as number) * 1000 - tFirst
    : Number.POSITIVE_INFINITY;

  // Polls left once the second burst and the final request are paid for. This reset gets all
  // but three: the group-b timing below needs it known to a quarter of the window, and the
  // next reset is predicted from this one.
  const polls = softBudget - ctx.spent() - limit - 1;
  const firstReset = yield* awaitReset(ctx, [opening.rejection], {
    polls: hasRetryAfter ? Math.max(2, polls - 3) : Number.POSITIVE_INFINITY,
    targetMs: Math.max(20, 0.01 * guess),
    anchor: tFirst,
    minStepMs: Math.max(50, 2 * burstMs),
  });

  // Group a is the admission that found the reset; group b takes the rest later: in a later
  // segment of a sliding window (after half a window when it has two segments, a third when it
  // has more) yet before the fixed window that opened at the reset can end. The window lies
  // between the two readings of "first request to reset"; when the reset is known too loosely
  // for either, take the rest at once and leave the algorithm open.
  const shortest = firstReset.after - tFirst;
  const longest = firstReset.by - tFirst;
  // Group b takes about L round trips at today's pace; the first burst may have paid a cold start.
  const restMs = Math.min(burstMs, limit * 2 * ctx.lead());
  const latestRest = firstReset.after + shortest - restMs - 2 * ctx.margin();
  for (const fraction of [0.5, 1 / 3]) {
    const earliestRest = firstReset.by + fraction * longest;
    if (earliestRest < latestRest) {
      const at = earliestRest + 0.6 * (latestRest - earliestRest);
      if (at > ctx.now() + ctx.lead()) yield { kind: 'wait', until: at - ctx.lead() };
      break;
    }
  }
  const rest = yield* burst(ctx);

  // The next reset comes one window after the first. The window is at least the wait from the
  // burst's last admission to the first reset (its window held that admission), and exactly the
  // wait from our first request when the limiter opened its window with it.
  const lastTaken = (opening.admitted[opening.admitted.length - 1] as Observation).t;
  const hint: Interval = {
    lo: 2 * firstReset.after - lastTaken - ctx.margin(),
    hi: 2 * firstReset.by - tFirst + ctx.margin(),
  };
  yield* awaitReset(ctx, [rest.rejection], {
    // Without Retry-After the first reset is known to a factor of two; six polls across the
    // predicted spot still bring the window to a few per cent (the 2L + 10 promise needs the header).
    polls: Math.max(hasRetryAfter ? 2 : 6, softBudget - ctx.spent() - 1),
    targetMs: Math.max(10, 0.02 * ((firstReset.after + firstReset.by) / 2 - tFirst)),
    hint,
    anchor: firstReset.admission.t,
    minStepMs: Math.max(50, 2 * burstMs),
  });
  // One more right after the reset: a fixed window admits it, a sliding window gave back only
  // the single permit taken at the previous reset.
  yield* send();
  return 'complete';
}

/** Creates a probe. Drive it: `next()` → send / sleep / done; after each send, `observe()`. */
export function createProbe(config: ProbeConfig): Probe {
  const maxRequests = config.maxRequests ?? PROBE_DEFAULTS.maxRequests;
  const maxSeconds = config.maxSeconds ?? PROBE_DEFAULTS.maxSeconds;
  const maxErrors = config.maxErrors ?? PROBE_DEFAULTS.maxErrors;
  const rejectStatuses = config.rejectStatuses ?? DEFAULT_REJECT_STATUSES;
  const timeline: Observation[] = [];
  const verdicts = new Map<Observation, Verdict>();
  const halfTrips: number[] = [];
  let rejectStatus: number | undefined;
  let previousVerdict: Verdict | undefined;
  let errors = 0;
  let clock = 0;
  let start: number | undefined;
  let awaiting = false;
  let result: ProbeResult | undefined;

  const ctx: Context = {
    now: () => clock,
    lead: () => {
      if (halfTrips.length === 0) return 0;
      const sorted = [...halfTrips].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)] ?? 0;
    },
    margin: () => 10 + 2 * ctx.lead(),
    verdict: (o) => verdicts.get(o) ?? 'error',
    spent: () => timeline.length,
  };
  const gen = strategy(ctx);
  let current = gen.next();

  const finish = (stoppedBecause: StopReason): ProbeStep => {
    if (!result) {
      result = buildResult(
        config.endpoint,
        timeline,
        rejectStatuses,
        stoppedBecause,
        maxRequests,
        maxSeconds,
      );
    }
    return { kind: 'done', result };
  };
  const overTime = (at: number) => start !== undefined && at - start > maxSeconds * 1000;

  return {
    next(now?: number): ProbeStep {
      if (result) return { kind: 'done', result };
      if (awaiting) throw new Error('probe: observe() the response to the last send before asking what next');
      if (typeof now === 'number' && now > clock) clock = now;
      for (;;) {
        if (current.done) return finish(current.value);
        const cmd = current.value;
        if (cmd.kind === 'send') {
          if (timeline.length >= maxRequests) return finish('request budget');
          if (overTime(clock + ctx.lead())) return finish('time budget');
          awaiting = true;
          return { kind: 'send' };
        }
        if (overTime(cmd.until + ctx.lead())) return finish('time budget');
        const ms = cmd.until - clock;
        current = gen.next();
        if (ms > 0.5) {
          clock = cmd.until;
          return { kind: 'sleep', seconds: ms / 1000 };
        }
      }
    },
    observe(observation: Observation): void {
      if (!awaiting) throw new Error('probe: observe() without a send');
      awaiting = false;
      timeline.push(observation);
      const half = (observation.durationMs ?? 0) / 2;
      halfTrips.push(half);
      if (halfTrips.length > 16) halfTrips.shift();
      if (start === undefined) start = observation.t - half;
      clock = Math.max(clock, observation.t + half);
      // The same reading as analysis.classify: the first rejection status seen is the limiter's.
      if (rejectStatus === undefined && rejectStatuses.includes(observation.status))
        rejectStatus = observation.status;
      const verdict: Verdict =
        observation.status === rejectStatus
          ? 'rejected'
          : observation.status === 0 ||
              observation.status >= 500 ||
              rejectStatuses.includes(observation.status)
            ? 'error'
            : waitedInQueue(observation, 2 * ctx.lead(), previousVerdict)
              ? 'queued'
              : 'admitted';
      verdicts.set(observation, verdict);
      previousVerdict = verdict;
      if (verdict === 'error') errors++;
      if (errors >= maxErrors) {
        finish('errors');
        return;
      }
      current = gen.next(observation);
    },
  };
}
