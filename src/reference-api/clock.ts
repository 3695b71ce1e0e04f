/**
 * The server's sense of time. Token lifetimes, the 24-hour recovery block and the rate limiter's
 * windows all read it, so tests and the control API move time instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Real time plus an offset the control API can move; `reset()` returns to real time. */
export class ControllableClock implements Clock {
  #offsetMs = 0;
  readonly #realNow: () => number;

  constructor(realNow: () => number = Date.now) {
    this.#realNow = realNow;
  }

  now(): number {
    return this.#realNow() + this.#offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  set(epochMs: number): void {
    this.#offsetMs = epochMs - this.#realNow();
  }

  reset(): void {
    this.#offsetMs = 0;
  }
}

/** A clock that moves only when told to: exact arithmetic for tests and benchmarks. */
export class ManualClock extends ControllableClock {
  constructor(startMs = Date.UTC(2030, 0, 1)) {
    super(() => startMs);
  }
}

export function isControllable(clock: Clock): clock is ControllableClock {
  return clock instanceof ControllableClock;
}
