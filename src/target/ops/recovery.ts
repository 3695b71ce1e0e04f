/**
 * The recovery account: the one account the suite may lock, unblock and give a new password
 * (spec, "Targets"). It must end every check as it started — unblocked, with the target file's
 * password working — and when that cannot be done the failure says exactly what state it is in,
 * because a human has to fix it before the next run.
 */
import { randomBytes } from 'node:crypto';
import { ApiError, type ApiResponse } from '../../client/index.ts';
import { registerSecret } from '../../redact/index.ts';
import type { Credentials } from '../types.ts';
import type { TargetSession, TracedClient } from './session.ts';
import { waitLine } from './waits.ts';

/** DOC: five wrong recovery codes block the account's recovery for 24 hours. */
export const WRONG_CODES_TO_BLOCK = 5;
export const BLOCK_HOURS = 24;

type Blocked = 'no' | 'maybe' | 'yes';

export interface CodeAttempt {
  accepted: boolean;
  status: number;
  /** The new password the attempt sent (a registered secret). */
  password: string;
  error?: ApiError;
}

/** A password no target's policy refuses, and no one can guess. */
export function temporaryPassword(): string {
  const password = `Tmp-${randomBytes(12).toString('base64url')}-9a!`;
  registerSecret(password);
  return password;
}

/** A code of the same shape as `code` that is certainly not it: digits shifted by `offset`. */
export function wrongCode(code: string, offset = 1): string {
  if (/^\d+$/.test(code)) {
    const modulus = 10 ** code.length;
    const shifted = (Number(code) + offset) % modulus;
    return String(shifted).padStart(code.length, '0');
  }
  const last = code.at(-1) === 'x' ? 'y' : 'x';
  return `${code.slice(0, -1)}${last}${offset > 1 ? offset : ''}`;
}

export class RecoveryAccount {
  readonly email: string;
  readonly #password: string;
  readonly #session: TargetSession;
  #blocked: Blocked = 'no';
  /** True once a code change may have gone through: the target's password may no longer work. */
  #passwordChanged = false;
  #wrongAttempts = 0;

  constructor(session: TargetSession, credentials: Credentials) {
    this.#session = session;
    this.email = credentials.email;
    this.#password = credentials.password;
  }

  /** Asks for a code and reads it from the mailbox. */
  async requestCode(): Promise<string> {
    const session = this.#session;
    const mailbox = session.mailbox();
    const after = Date.now();
    const { client } = session.client();
    await session.ok(
      `recover-password for the recovery account (${this.email})`,
      session.rateLimited('recover-password', () => client.recoverPassword(this.email)),
    );
    session.trace(
      waitLine({
        what: `the recovery code to ${this.email} in the mailbox ${mailbox.url}`,
        seconds: session.target.options.maxWaitSeconds,
        upTo: true,
      }),
    );
    try {
      return await mailbox.waitForCode(this.email, { after });
    } catch (error) {
      return session.fail(
        `no recovery code reached ${this.email} through the mailbox ${mailbox.url}: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Submits `code` with a new temporary password. Refusals are returned, not thrown: whether a
   * refusal is right is the check's call. A 5xx is never a refusal.
   */
  async tryCode(code: string, via?: TracedClient, password = temporaryPassword()): Promise<CodeAttempt> {
    const session = this.#session;
    const { client } = via ?? session.client();
    // Whatever the answer, the password may have changed (a timeout after the server committed).
    this.#passwordChanged = true;
    try {
      const response: ApiResponse = await client.changePasswordWithRecoveryCode({
        email: this.email,
        password,
        recoveryCode: code,
      });
      this.#blocked = 'no';
      this.#wrongAttempts = 0;
      return { accepted: true, status: response.status, password };
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
        return { accepted: false, status: error.status, error, password };
      }
      return session.fail(
        `change-password-with-recovery-code failed instead of answering: ${(error as Error).message}`,
      );
    }
  }

  /** Submits a wrong code; it must be refused. Counts towards the block. */
  async wrongAttempt(code: string, offset = 1, via?: TracedClient): Promise<CodeAttempt> {
    const attempt = await this.tryCode(wrongCode(code, offset), via);
    if (attempt.accepted) {
      this.#session.fail(
        `a wrong recovery code was accepted (${attempt.status}) for ${this.email}: any code works`,
      );
    }
    this.#wrongAttempts++;
    if (this.#wrongAttempts >= WRONG_CODES_TO_BLOCK) this.#blocked = 'yes';
    else if (this.#blocked === 'no') this.#blocked = 'maybe';
    return attempt;
  }

  /** Requests a code and sends five (or `count`) wrong ones; returns the right code. */
  async block(count = WRONG_CODES_TO_BLOCK): Promise<string> {
    const code = await this.requestCode();
    for (let i = 1; i <= count; i++) await this.wrongAttempt(code, i);
    return code;
  }

  /** Whether `password` (default: the target file's) logs the recovery account in now. */
  async passwordWorks(password = this.#password): Promise<boolean> {
    const works = await this.#loginWorks(password);
    // A target-file password that works again means nothing is left to restore.
    if (works && password === this.#password) this.#passwordChanged = false;
    return works;
  }

  /** After parallel guesses nobody knows how many were counted. */
  markMaybeBlocked(): void {
    this.#blocked = this.#blocked === 'yes' ? 'yes' : 'maybe';
  }

  markUnblocked(): void {
    this.#blocked = 'no';
    this.#wrongAttempts = 0;
  }

  /**
   * Someone else used the code (the Pact verifier replaying a request): it may have blocked
   * recovery or changed the password, so `restore()` must check both.
   */
  markTouchedElsewhere(): void {
    this.#passwordChanged = true;
    this.markMaybeBlocked();
  }

  /** The cleanup: unblock if it may be blocked, then make the target file's password work again. */
  async restore(): Promise<void> {
    const session = this.#session;
    if (this.#blocked !== 'no') {
      const unblocker = session.target.accounts.propertyManagementCompany
        ? 'propertyManagementCompany'
        : 'admin';
      try {
        const owner = await session.login(unblocker);
        await owner.client.unblockRecoveryCode(this.email).catch((error) => {
          // A target may refuse to unblock what is not blocked; only a known block must be lifted.
          const notBlocked = error instanceof ApiError && error.status < 500 && this.#blocked === 'maybe';
          if (!notBlocked) throw error;
        });
        this.markUnblocked();
      } catch (error) {
        throw new Error(this.#state(`unblocking it as ${unblocker} failed: ${(error as Error).message}`));
      }
    }
    if (!this.#passwordChanged) return;
    if (await this.#targetPasswordWorks()) {
      this.#passwordChanged = false;
      return;
    }
    let code: string;
    try {
      code = await this.requestCode();
    } catch (error) {
      throw new Error(
        this.#state(`requesting a fresh code to set the password back failed: ${(error as Error).message}`),
      );
    }
    const { client } = session.client();
    try {
      await client.changePasswordWithRecoveryCode({
        email: this.email,
        password: this.#password,
        recoveryCode: code,
      });
    } catch (error) {
      throw new Error(this.#state(`setting the password back failed: ${(error as Error).message}`));
    }
    if (!(await this.#targetPasswordWorks())) {
      throw new Error(this.#state('the password was set back but logging in with it still fails'));
    }
    this.#passwordChanged = false;
  }

  #targetPasswordWorks(): Promise<boolean> {
    return this.#loginWorks(this.#password);
  }

  async #loginWorks(password: string): Promise<boolean> {
    const { client } = this.#session.client();
    try {
      await client.login({ email: this.email, password });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
      throw error;
    }
  }

  #state(problem: string): string {
    const blocked =
      this.#blocked === 'no'
        ? 'not blocked'
        : this.#blocked === 'yes'
          ? 'BLOCKED for recovery'
          : 'possibly blocked for recovery';
    const password = this.#passwordChanged
      ? 'its password may be a temporary one the suite set (the target file password may not work)'
      : 'its password is unchanged';
    return `the recovery account ${this.email} is left ${blocked}, and ${password}: ${problem}. Fix it by hand (unblock it as its property management company, then recover its password to the one in the target file) before the next run.`;
  }
}
