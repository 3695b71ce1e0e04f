/**
 * What a check gets to work with. Everything that talks to the target goes through here, so
 * three promises hold for every check without each one repeating them: every HTTP exchange can
 * be traced (redacted), rate limits are waited out (or, with clock control, skipped over by
 * moving the server clock), and whatever the check changed is put back by its cleanups.
 */
import type { LabelledKey } from '../jwt/index.ts';
import type { Mailbox } from '../mailbox/index.ts';
import { redactText } from '../redact/index.ts';
import type { AccountSlot } from '../roles.ts';
import type { Credentials, Target } from '../target/index.ts';
import {
  type ControlClient,
  type RecoveryAccount,
  type RefusedBy,
  rateLimitWaitMs,
  type Session,
  TargetSession,
  type TracedClient,
} from '../target/ops/index.ts';
import { type Expect, expect, fail } from './expect.ts';
import { type Check, CheckSkipped } from './registry.ts';

export { formatExchange, type Session, type TracedClient } from '../target/ops/index.ts';
/** Rate-limited answers: the target layer's one verdict (kept here for the checks that import it). */
export { rateLimitWaitMs };

/** Shared by every check of one run. */
export interface RunEnvironment {
  target: Target;
  control: ControlClient | undefined;
  /** The target's public keys, loaded once; empty when it lists none. */
  keys(): Promise<LabelledKey[]>;
  trace: ((line: string) => void) | undefined;
  /** Waits (token expiry) go through here when given, so a test can stand in a virtual clock. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

export interface CheckContext {
  readonly target: Target;
  readonly check: Check;
  readonly expect: Expect;
  /** Clock control, when the target has it; checks needing it declare `needs: ['control']`. */
  readonly control: ControlClient | undefined;
  /** A new client; `waitOnRateLimit: false` shows 429s instead of waiting them out. */
  client(options?: { waitOnRateLimit?: boolean }): TracedClient;
  /**
   * A client with `connections` connections already open, for checks that need requests to
   * reach the server together: without it, connection setup spreads a burst out so far that a
   * race window on the server is never hit.
   */
  burstClient(connections: number, options?: { waitOnRateLimit?: boolean }): Promise<TracedClient>;
  /** The account in `slot`; skips the check when the target has none. */
  account(slot: AccountSlot): Credentials;
  /** A fresh client logged in as `slot`. */
  login(slot: AccountSlot): Promise<Session>;
  mailbox(): Mailbox;
  keys(): Promise<LabelledKey[]>;
  /** Server time (epoch ms): the control API's clock, else ours. */
  serverNow(): Promise<number>;
  /**
   * Returns once `accessToken` is past its `exp` on the server: moves the clock (control), or
   * waits when that takes at most `options.maxWaitSeconds`, or skips the check saying why.
   */
  expire(accessToken: string): Promise<void>;
  /**
   * Makes the access token `session` holds one the target answers 401 — expired where that can
   * be had, else with a broken signature — so the client's 401 handling is checked on any target.
   */
  refuseAccessToken(session: Session): Promise<RefusedBy>;
  /** Moves the server clock; only for checks that declare `disturbs: ['clock']`. */
  advanceClock(seconds: number, why: string): Promise<void>;
  /**
   * Runs a call to a rate-limited route. With clock control, a 429 (or 503 with Retry-After)
   * moves the clock past the window instead of waiting; without it, the client has already
   * waited as told within the bound, and a limit it could not wait out skips the check.
   */
  rateLimited<T>(what: string, call: () => Promise<T>): Promise<T>;
  /** The recovery account, with its restore registered as a cleanup. */
  recovery(): RecoveryAccount;
  skip(reason: string): never;
  /** Runs after the check however it ended, last registered first. */
  cleanup(label: string, action: () => Promise<void>): void;
  trace(line: string): void;
  /** Sleeps `ms`, announcing what for (see target/ops/waits.ts): no wait is silent. */
  wait(ms: number, what: string): Promise<void>;
}

export class Context extends TargetSession implements CheckContext {
  readonly check: Check;
  readonly expect: Expect = expect;
  readonly #env: RunEnvironment;
  readonly #cleanups: { label: string; action: () => Promise<void> }[] = [];
  readonly #phase: { now: string };

  constructor(env: RunEnvironment, check: Check) {
    const phase = { now: '' };
    super(
      env.target,
      {
        skip: (reason) => {
          throw new CheckSkipped(reason);
        },
        fail,
        trace: (line) => env.trace?.(`[${check.id}${phase.now}] ${line}`),
        ...(env.sleep ? { sleep: env.sleep } : {}),
      },
      env.control,
    );
    this.#phase = phase;
    this.#env = env;
    this.check = check;
  }

  cleanup(label: string, action: () => Promise<void>): void {
    this.#cleanups.push({ label, action });
  }

  async burstClient(connections: number, options: { waitOnRateLimit?: boolean } = {}): Promise<TracedClient> {
    // A burst is about requests arriving together; waiting out a limit would spread it.
    const traced = this.client({ waitOnRateLimit: options.waitOnRateLimit ?? false });
    // Unauthenticated GETs of the protected path: cheap, harmless, and each holds a connection open.
    await Promise.allSettled(
      Array.from({ length: connections }, () =>
        traced.client.request('GET', this.target.protectedPath, {
          headers: { authorization: 'Bearer warm-up' },
        }),
      ),
    );
    return traced;
  }

  keys(): Promise<LabelledKey[]> {
    return this.#env.keys();
  }

  advanceClock(seconds: number, why: string): Promise<void> {
    return this.moveClock(seconds, why);
  }

  override async moveClock(seconds: number, why: string): Promise<void> {
    if (this.control && !this.check.disturbs.includes('clock')) {
      throw new Error(`check ${this.check.id} moves the clock but does not declare disturbs: ['clock']`);
    }
    await super.moveClock(seconds, why);
  }

  override recovery(): RecoveryAccount {
    if (!this.check.uses.includes('recovery')) {
      throw new Error(
        `check ${this.check.id} changes the recovery account but does not declare uses: ['recovery']`,
      );
    }
    const account = super.recovery();
    if (!this.#cleanups.some((cleanup) => cleanup.label === RESTORE)) {
      this.cleanup(RESTORE, () => account.restore());
    }
    return account;
  }

  /**
   * Runs the cleanups, then spends every token family the check's clients still hold. Returns
   * the failures of the cleanups (family spending is best effort: a server that cannot revoke
   * a family is already a finding of its own check).
   */
  async finish(): Promise<string[]> {
    this.#phase.now = ' cleanup';
    const failures: string[] = [];
    for (const { label, action } of this.#cleanups.reverse()) {
      try {
        await action();
      } catch (error) {
        if (error instanceof CheckSkipped) {
          failures.push(`${label}: could not finish (${error.message})`);
        } else {
          failures.push(`${label}: ${redactText(error instanceof Error ? error.message : String(error))}`);
        }
      }
    }
    await Promise.all(this.clients.map((traced) => this.#spendFamily(traced)));
    await this.close();
    return failures;
  }

  /** Spends the last refresh token, then replays it: a server with reuse detection revokes the family. */
  async #spendFamily(traced: TracedClient): Promise<void> {
    const pair = await traced.store.load();
    if (!pair) return;
    try {
      await traced.client.refresh(pair.refreshToken);
      await traced.client.refresh(pair.refreshToken).catch(() => undefined);
    } catch {
      // Already spent or revoked: nothing left to spend.
    }
  }
}

const RESTORE = 'restore the recovery account';
