/**
 * Who may run now. Checks that lock or change one account must not overlap (a lockout check
 * and an unblock check on the recovery account would see each other's state), and a check that
 * moves the server clock must run alone (every other check's tokens would expire under it).
 * Everything else runs side by side, up to a concurrency limit.
 */

export interface Claim {
  /** Names held exclusively for the duration (account slots). */
  slots: readonly string[];
  /** Run with nothing else at all. */
  alone: boolean;
}

interface Waiter extends Claim {
  grant: (release: () => void) => void;
}

export class Scheduler {
  readonly #concurrency: number;
  readonly #held = new Set<string>();
  readonly #queue: Waiter[] = [];
  #running = 0;
  #aloneRunning = false;

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, not ${concurrency}`);
    }
    this.#concurrency = concurrency;
  }

  /** Resolves when the claim can run; call the returned function exactly once when done. */
  acquire(claim: Claim): Promise<() => void> {
    return new Promise((grant) => {
      this.#queue.push({ ...claim, grant });
      this.#pump();
    });
  }

  async run<T>(claim: Claim, task: () => Promise<T>): Promise<T> {
    const release = await this.acquire(claim);
    try {
      return await task();
    } finally {
      release();
    }
  }

  #canStart(waiter: Waiter): boolean {
    if (this.#aloneRunning) return false;
    if (waiter.alone) return this.#running === 0;
    return this.#running < this.#concurrency && waiter.slots.every((slot) => !this.#held.has(slot));
  }

  #pump(): void {
    for (let index = 0; index < this.#queue.length; ) {
      const waiter = this.#queue[index]!;
      if (!this.#canStart(waiter)) {
        // Nobody overtakes a check waiting to run alone, or it would wait forever.
        if (waiter.alone) return;
        index++;
        continue;
      }
      this.#queue.splice(index, 1);
      this.#start(waiter);
    }
  }

  #start(waiter: Waiter): void {
    this.#running++;
    if (waiter.alone) this.#aloneRunning = true;
    for (const slot of waiter.slots) this.#held.add(slot);
    let released = false;
    waiter.grant(() => {
      if (released) return;
      released = true;
      this.#running--;
      if (waiter.alone) this.#aloneRunning = false;
      for (const slot of waiter.slots) this.#held.delete(slot);
      this.#pump();
    });
  }
}
