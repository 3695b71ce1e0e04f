/**
 * Recovery codes and the lockout around them (DOC): a 6-digit code per account, replaced by each
 * new request; five wrong codes block recovery for 24 hours; while blocked even the right code
 * fails; a new code does not lift the block; an unblock resets it. The counter lives per account
 * and is updated synchronously, so concurrent guesses are all counted.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from './clock.ts';
import type { DefectSet } from './defects.ts';

export const WRONG_CODES_BEFORE_BLOCK = 5;
export const BLOCK_MS = 24 * 60 * 60 * 1000;

interface RecoveryState {
  code: string | undefined;
  /** Earlier codes, kept only by the `old-code-valid-after-new` defect. */
  replaced: string[];
  codeExpiresAt: number;
  failedAttempts: number;
  blockedUntil: number | undefined;
}

export interface RecoverySnapshot {
  failedAttempts: number;
  blocked: boolean;
  blockedUntil: string | null;
  codeIssued: boolean;
}

export type AttemptOutcome =
  | { outcome: 'accepted' }
  | { outcome: 'wrong'; attemptsLeft: number }
  | { outcome: 'blocked'; blockedUntil: number; rightCode: boolean };

export function newRecoveryCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export class RecoveryBook {
  readonly #states = new Map<number, RecoveryState>();

  constructor(
    readonly clock: Clock,
    readonly defects: DefectSet,
    readonly codeTtlMs: number,
  ) {}

  reset(): void {
    this.#states.clear();
  }

  /** Issues a new code for the account, replacing any earlier one. */
  issueCode(accountId: number): string {
    const state = this.#state(accountId);
    if (state.code !== undefined && this.defects.has('old-code-valid-after-new'))
      state.replaced.push(state.code);
    state.code = newRecoveryCode();
    state.codeExpiresAt = this.clock.now() + this.codeTtlMs;
    if (this.defects.has('new-code-lifts-block')) {
      state.failedAttempts = 0;
      state.blockedUntil = undefined;
    }
    if (this.defects.has('new-code-resets-count')) state.failedAttempts = 0;
    return state.code;
  }

  /** Checks a submitted code; a match consumes it. */
  async attempt(accountId: number, submitted: string): Promise<AttemptOutcome> {
    const state = this.#state(accountId);
    const now = this.clock.now();
    const blockedBefore = state.blockedUntil;
    // Check-then-act: the block was read before this await (a slow code lookup), and not again after it.
    if (this.defects.has('lockout-check-then-act')) await delay(200);
    const expiresAt = this.defects.has('recovery-code-expires-early')
      ? state.codeExpiresAt - this.codeTtlMs + 60_000
      : state.codeExpiresAt;
    const live = now < expiresAt || this.defects.has('recovery-code-never-expires');
    const matches =
      (state.code !== undefined && live && sameCode(state.code, submitted)) ||
      state.replaced.some((code) => sameCode(code, submitted));
    const blocked = this.defects.has('lockout-check-then-act') ? blockedBefore : state.blockedUntil;
    if (blocked !== undefined && !(matches && this.defects.has('right-code-while-blocked'))) {
      return { outcome: 'blocked', blockedUntil: blocked, rightCode: matches };
    }
    if (matches) {
      // Compare, then consume after an await: concurrent submissions of the code all pass.
      if (this.defects.has('recovery-code-race')) await delay(50);
      if (!this.defects.has('recovery-code-reusable')) {
        state.code = undefined;
        state.replaced = [];
      }
      state.failedAttempts = 0;
      state.blockedUntil = undefined;
      return { outcome: 'accepted' };
    }
    if (this.defects.has('lockout-race')) {
      // Read, yield, write: concurrent guesses overwrite each other's increments.
      const seen = state.failedAttempts;
      await delay(10);
      state.failedAttempts = seen + 1;
    } else {
      state.failedAttempts++;
    }
    const threshold = this.#threshold();
    if (state.failedAttempts >= threshold) {
      state.blockedUntil = now + this.#blockMs();
      return { outcome: 'blocked', blockedUntil: state.blockedUntil, rightCode: false };
    }
    return { outcome: 'wrong', attemptsLeft: threshold - state.failedAttempts };
  }

  unblock(accountId: number): void {
    const state = this.#state(accountId);
    if (!this.defects.has('unblock-keeps-count')) state.failedAttempts = 0;
    if (this.defects.has('unblock-voids-code')) state.code = undefined;
    state.blockedUntil = undefined;
  }

  #threshold(): number {
    if (this.defects.has('lockout-after-six')) return WRONG_CODES_BEFORE_BLOCK + 1;
    if (this.defects.has('lockout-after-four')) return WRONG_CODES_BEFORE_BLOCK - 1;
    return WRONG_CODES_BEFORE_BLOCK;
  }

  #blockMs(): number {
    if (this.defects.has('lockout-one-hour')) return BLOCK_MS / 24;
    if (this.defects.has('lockout-two-days')) return BLOCK_MS * 2;
    return BLOCK_MS;
  }

  snapshot(accountId: number): RecoverySnapshot {
    const state = this.#state(accountId);
    return {
      failedAttempts: state.failedAttempts,
      blocked: state.blockedUntil !== undefined,
      blockedUntil: state.blockedUntil === undefined ? null : new Date(state.blockedUntil).toISOString(),
      codeIssued: state.code !== undefined && this.clock.now() < state.codeExpiresAt,
    };
  }

  /** The account's state, with an elapsed block (and its counter) cleared. */
  #state(accountId: number): RecoveryState {
    let state = this.#states.get(accountId);
    if (!state) {
      state = { code: undefined, replaced: [], codeExpiresAt: 0, failedAttempts: 0, blockedUntil: undefined };
      this.#states.set(accountId, state);
    }
    if (state.blockedUntil !== undefined && this.clock.now() >= state.blockedUntil) {
      state.blockedUntil = undefined;
      state.failedAttempts = 0;
    }
    return state;
  }
}

function sameCode(expected: string, submitted: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
