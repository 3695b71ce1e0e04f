/**
 * Meeting the recover-password limit on purpose. One request at a time stops at the first
 * refusal and spends little — but a limiter with a queue (ASP.NET's QueueLimit) answers a request
 * over the limit late instead of refusing it, so one at a time it never refuses. Against a
 * declared queue the burst goes out at once: the permits are taken, the queue fills, and the
 * requests beyond it are refused while the queued ones still wait.
 */
import { ApiError } from '../../client/index.ts';
import type { Target } from '../types.ts';
import {
  declaredQueue,
  declaredWindowWaitMs,
  limiterWait,
  rateLimitWaitMs,
  UNKNOWN_WAIT,
} from './rate-limit.ts';
import { type TargetSession, type TracedClient, unknownAddress } from './session.ts';

/** Permits per window beyond which an auth route counts as unlimited: a burst stops here. */
export const MAX_BURST = 20;

export interface Burst {
  /** The first rate-limited refusal, or undefined when none came. */
  refusal: ApiError | undefined;
  /** Requests sent (one at a time: up to the refusal; at once: all of them). */
  sent: number;
  /** Requests the target answered with something other than a refusal (queued ones included). */
  admitted: number;
  /** Other refusals (not the limiter), in the order they came. */
  others: ApiError[];
  /** 'queue' when the requests went out at once because the target declares a queue. */
  mode: 'one at a time' | 'queue';
  /**
   * Settles when every request of the burst is answered. Queued requests take the permits of the
   * next window when they are let in, so a budget is back only after they are.
   */
  settled: Promise<void>;
}

/**
 * How many requests go out at once against a declared queue: the whole queue and, twice, every
 * permit — twice because a window that opens while the burst is still arriving gives its permits
 * to the queue first and the rest to the burst's latest requests. Without a declared permit limit
 * MAX_BURST stands for it.
 */
export function queueBurstSize(target: Target): number {
  return 2 * (target.options.rateLimit?.permitLimit ?? MAX_BURST) + declaredQueue(target) + 1;
}

/**
 * Sends recover-password for `address()` until the limiter refuses: one at a time, at most
 * `max` requests; against a declared queue, queueBurstSize requests at once, returning at the
 * first refusal while the queued ones are still held (their answers come in through `settled`).
 */
export async function burstRecoverPassword(
  traced: TracedClient,
  target: Target,
  address: () => string,
  max: number,
): Promise<Burst> {
  if (declaredQueue(target) > 0) return burstAtOnce(traced, target, address, queueBurstSize(target));
  const others: ApiError[] = [];
  let admitted = 0;
  for (let sent = 1; sent <= max; sent++) {
    try {
      await traced.client.recoverPassword(address());
      admitted++;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (rateLimitWaitMs(error, target) !== undefined) {
        return { refusal: error, sent, admitted, others, mode: 'one at a time', settled: Promise.resolve() };
      }
      // Another refusal is not the limit; keep going.
      others.push(error);
    }
  }
  return {
    refusal: undefined,
    sent: max,
    admitted,
    others,
    mode: 'one at a time',
    settled: Promise.resolve(),
  };
}

function burstAtOnce(
  traced: TracedClient,
  target: Target,
  address: () => string,
  size: number,
): Promise<Burst> {
  const others: ApiError[] = [];
  let admitted = 0;
  return new Promise((resolve, reject) => {
    let refusal: ApiError | undefined;
    let failure: unknown;
    const sends = Array.from({ length: size }, () =>
      traced.client.recoverPassword(address()).then(
        () => {
          admitted++;
        },
        (error: unknown) => {
          if (!(error instanceof ApiError)) {
            failure ??= error;
          } else if (rateLimitWaitMs(error, target) !== undefined) {
            if (!refusal) {
              refusal = error;
              resolve(burst());
            }
          } else {
            others.push(error);
          }
        },
      ),
    );
    const settled = Promise.all(sends).then(() => undefined);
    const burst = (): Burst => ({ refusal, sent: size, admitted, others, mode: 'queue', settled });
    // No refusal at all: the answer is the whole burst, or the transport failure that ended it.
    void settled.then(() => (refusal ? undefined : failure ? reject(failure) : resolve(burst())));
  });
}

const WAIT_BASIS = {
  'retry-after': 'as Retry-After said',
  'declared window': 'no Retry-After: one window, as options.rateLimit.windowSeconds declares',
  maxWaitSeconds:
    'no Retry-After and no options.rateLimit.windowSeconds: the longest wait, options.maxWaitSeconds',
} as const;

/** A session's recover-password limit: used up on purpose, waited out, or left with a permit. */
export class RecoveryLimit {
  readonly #session: TargetSession;
  /** Bursts whose queued requests may still be waiting for a permit. */
  readonly #bursts: Promise<void>[] = [];

  constructor(session: TargetSession) {
    this.#session = session;
  }

  async exhaust(maxRequests: number): Promise<number> {
    const session = this.#session;
    const burst = await burstRecoverPassword(
      session.client({ waitOnRateLimit: false }),
      session.target,
      unknownAddress,
      maxRequests,
    );
    this.#bursts.push(burst.settled);
    if (burst.refusal) return rateLimitWaitMs(burst.refusal, session.target) ?? UNKNOWN_WAIT;
    if (burst.others[0]) throw burst.others[0];
    return session.fail(
      `no 429 or 503 after ${burst.sent} password recovery requests (${burst.mode === 'queue' ? 'sent at once, past the declared queue' : 'one at a time; a limiter that queues requests answers late instead of refusing — declare options.rateLimit.queueLimit'})`,
    );
  }

  /**
   * After the requests this session's bursts left queued are let in (they take permits): as
   * long as the refusal named, else one declared window, else options.maxWaitSeconds — each
   * bounded by options.maxWaitSeconds, and the trace says which.
   */
  async waitOut(namedMs: number): Promise<void> {
    const session = this.#session;
    await this.#settle();
    const wait = limiterWait(namedMs, session.target);
    const ms = Math.min(wait.ms, session.maxWaitMs);
    await session.wait(ms, `the recover-password limit to open again (${WAIT_BASIS[wait.basis]})`);
  }

  /**
   * Against a declared queue and window, one window of quiet leaves a permit without a request
   * (a fixed window turns over, a sliding one lets every earlier permit return, a token bucket
   * refills); else the window is used up and its refusal waited out. Nothing to do with clock
   * control, whose reset clears the limiter.
   */
  async fresh(maxRequests: number): Promise<void> {
    const session = this.#session;
    if (session.control) return;
    const { target } = session;
    const window = declaredWindowWaitMs(target);
    if (declaredQueue(target) > 0 && window !== undefined && window <= session.maxWaitMs) {
      await this.#settle();
      await session.wait(
        window,
        'a recover-password permit (one declared window, options.rateLimit.windowSeconds)',
      );
      return;
    }
    const named = await this.exhaust(maxRequests);
    if (named > session.maxWaitMs) {
      session.skip(
        `recover-password of target "${target.name}" asks for a ${Math.round(named / 1000)} s wait, longer than options.maxWaitSeconds (${target.options.maxWaitSeconds} s), and the target has no control URL to reset its limiter`,
      );
    }
    await this.waitOut(named);
  }

  /** Every request of the bursts answered; each is bounded by requestTimeoutSeconds. */
  async #settle(): Promise<void> {
    await Promise.all(this.#bursts.splice(0));
  }
}
