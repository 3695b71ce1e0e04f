/**
 * Provider states, created on the target itself through the target layer (src/target/ops/) — its
 * accounts, its mailbox and the public routes, the way a QA engineer would — so verification
 * works against staging as well as against our reference API, and creates each state exactly the
 * way the scenario checks do. Each state that changes the target undoes it in its teardown: the
 * recovery account ends unblocked, with the password from the target file.
 *
 * A control URL (the reference API's) is only a shortcut: reset before each interaction, move
 * the clock instead of waiting for a token to expire, reset the limiter instead of waiting out
 * its window. Without one, handlers wait (bounded by options.maxWaitSeconds) or skip the state
 * with a reason.
 */

import { STATES, type StateAccount, type StateId, type StateParams } from '../pact/states.ts';
import { redactText, registerSecret } from '../redact/index.ts';
import type { AccountSlot } from '../roles.ts';
import { missing, type Need, type Target } from '../target/index.ts';
import {
  declaredWindowWaitMs,
  TargetSession,
  temporaryPassword,
  UNKNOWN_WAIT,
  unknownAddress,
  wrongCode,
} from '../target/ops/index.ts';
import type { StateEvent } from './results.ts';

/** The target cannot provide the state; the interaction is reported as skipped with `message`. */
export class StateSkipped extends Error {
  override readonly name = 'StateSkipped';
}

/** How far from a window's end the over-the-limit replay must come (or the window is used up again). */
const REPLAY_MARGIN_MS = 250;
/** How many requests the rate-limit state sends at most before giving up on seeing a refusal. */
export const MAX_REQUESTS_TO_EXHAUST_LIMIT = 60;

export interface StateHandlerOptions {
  /** Waits go through here, so tests can count them. */
  sleep?: (ms: number) => Promise<void>;
  /** Every value handed to the verifier or created on the target, to redact logs with. */
  onSecret?: (value: string) => void;
  /** Longest a setup or teardown may take; past it the state fails with that reason. */
  deadlineMs?: number;
  /** Receives the target session's redacted trace lines, waits among them (target/ops/waits.ts). */
  trace?: (line: string) => void;
}

/** Runs `work`, failing with `what` named if it takes longer than `ms`. */
async function within<T>(ms: number | undefined, what: string, work: Promise<T>): Promise<T> {
  if (ms === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`${what} did not finish within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

type JsonMap = Record<string, string | number | boolean>;
type Handler = {
  setup: (params: StateParams) => Promise<JsonMap | undefined>;
  teardown?: (params: StateParams) => Promise<void>;
};

export interface StateHandlerSet {
  /** For the pact-js Verifier's `stateHandlers`, keyed by state name. */
  stateHandlers: Record<
    string,
    {
      setup: (params?: unknown) => Promise<JsonMap | undefined>;
      teardown: (params?: unknown) => Promise<undefined>;
    }
  >;
  /** For the Verifier's `beforeEach`: runs before the first state of each interaction. */
  beforeEach: () => Promise<void>;
  /** Runs right before the interaction's request goes to the target (from the `requestFilter`). */
  beforeReplay: () => Promise<void>;
  /** What every setup and teardown did, in order. */
  events: StateEvent[];
  /** Closes the HTTP clients the handlers opened. */
  close(): Promise<void>;
}

export function createStateHandlers(target: Target, options: StateHandlerOptions = {}): StateHandlerSet {
  const secret = (value: string | number | undefined) => {
    if (value === undefined) return;
    registerSecret(value);
    options.onSecret?.(String(value));
  };
  const events: StateEvent[] = [];
  const hooks = {
    skip: (reason: string): never => {
      throw new StateSkipped(reason);
    },
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
  };
  // One session per interaction: what its states changed is what its teardowns put back.
  let session = new TargetSession(target, hooks);
  /** Filled by the rate-limit state: how long the last refusal asked to wait. */
  let limiterRetryAfterMs: number | undefined;
  /** What a state needs done just before the replay, when doing it at setup would be too early. */
  let beforeReplay: (() => Promise<void>) | undefined;

  const need = (...needs: Need[]) => {
    const reason = missing(target, ...needs);
    if (reason) throw new StateSkipped(reason);
  };
  const slotOf = (params: StateParams): StateAccount => {
    if (!params.account) throw new Error('the state needs an "account" parameter (an account slot)');
    return params.account;
  };
  const login = async (slot: AccountSlot) => {
    const result = await session.login(slot);
    secret(result.tokens.accessToken);
    secret(result.tokens.refreshToken);
    return result;
  };
  /** A code as the target types it: the pact's `fromProviderState` injects the value as is. */
  const codeValue = (code: string): string | number =>
    target.options.recoveryCodeType === 'number' ? Number(code) : code;
  /** The verifier, not our client, sends the code: restore must check everything. */
  const restoreRecoveryAccount = async () => {
    if (session.control) return session.control.reset();
    const recovery = session.recovery();
    recovery.markTouchedElsewhere();
    await recovery.restore();
  };

  const handlers: Record<StateId, Handler> = {
    registeredAccount: {
      setup: async (params) => {
        const slot = slotOf(params);
        const credentials = session.account(slot);
        // The recovery account's state precedes recover-password and unblock requests.
        if (slot === 'recovery') await session.freshRecoveryWindow(MAX_REQUESTS_TO_EXHAUST_LIMIT);
        return { email: credentials.email, password: credentials.password };
      },
    },

    liveRefreshToken: {
      setup: async (params) => ({ refreshToken: (await login(slotOf(params))).tokens.refreshToken }),
    },

    spentRefreshToken: {
      setup: async (params) => {
        const { client, tokens } = await login(slotOf(params));
        const next = await session.ok('refreshing the new pair', client.refresh(tokens.refreshToken));
        secret(next.accessToken);
        secret(next.refreshToken);
        return { refreshToken: tokens.refreshToken };
      },
    },

    liveAccessToken: {
      setup: async (params) => ({ accessToken: (await login(slotOf(params))).tokens.accessToken }),
    },

    expiredAccessToken: {
      setup: async (params) => {
        const { tokens } = await login(slotOf(params));
        await session.expire(tokens.accessToken);
        return { accessToken: tokens.accessToken };
      },
      teardown: async () => {
        await session.control?.reset();
      },
    },

    unknownAddress: {
      setup: async () => {
        await session.freshRecoveryWindow(MAX_REQUESTS_TO_EXHAUST_LIMIT);
        return { email: unknownAddress() };
      },
    },

    recoveryLimitUsedUp: {
      setup: async () => {
        // Not skipped without a refusal: the document says the route is rate limited, so it fails.
        const burstAt = Date.now();
        limiterRetryAfterMs = await session.exhaustRecoveryLimit(MAX_REQUESTS_TO_EXHAUST_LIMIT);
        beforeReplay = () => keepLimitUsedUp(burstAt);
        return { email: unknownAddress() };
      },
      teardown: async () => {
        if (session.control) return session.control.reset();
        // Later states need the route: the wait the limiter named, else one declared window.
        await session.waitOutRecoveryLimit(limiterRetryAfterMs ?? UNKNOWN_WAIT);
        limiterRetryAfterMs = undefined;
      },
    },

    recoveryCodeSent: {
      setup: async () => {
        need('account:recovery', 'account:propertyManagementCompany', 'mailbox');
        const recovery = session.recovery();
        const code = await recovery.requestCode();
        const newPassword = temporaryPassword();
        const wrongRecoveryCode = wrongCode(code);
        secret(newPassword);
        secret(wrongRecoveryCode);
        return {
          email: recovery.email,
          recoveryCode: codeValue(code),
          wrongRecoveryCode: codeValue(wrongRecoveryCode),
          newPassword,
        };
      },
      teardown: restoreRecoveryAccount,
    },

    recoveryBlocked: {
      setup: async () => {
        need('account:recovery', 'account:propertyManagementCompany', 'mailbox');
        const recovery = session.recovery();
        const code = await recovery.block();
        const newPassword = temporaryPassword();
        secret(newPassword);
        return { email: recovery.email, recoveryCode: codeValue(code), newPassword };
      },
      teardown: restoreRecoveryAccount,
    },
  };

  /**
   * Without clock control a short window can turn over between the setup's burst and the
   * verifier's request (a busy machine, a one-second window), which then gets a permit. Where the
   * target declares its window and the replay comes late in it, the window is waited out and used
   * up again, so the request arrives early in a used-up window.
   */
  const keepLimitUsedUp = async (burstAt: number) => {
    const windowMs = declaredWindowWaitMs(target);
    if (session.control || windowMs === undefined) return;
    const sinceBurst = Date.now() - burstAt;
    if (sinceBurst < windowMs - Math.max(REPLAY_MARGIN_MS, windowMs / 4)) return;
    // The verifier holds the request meanwhile: a wait it would time out on is not taken.
    if (windowMs > Math.min(session.maxWaitMs, target.options.requestTimeoutSeconds * 500)) return;
    if (sinceBurst < windowMs) {
      await session.wait(
        windowMs - sinceBurst + REPLAY_MARGIN_MS,
        'the recover-password window to turn over, so the over-the-limit request meets a freshly used-up one',
      );
    }
    limiterRetryAfterMs = await session.exhaustRecoveryLimit(MAX_REQUESTS_TO_EXHAUST_LIMIT);
  };

  const stateHandlers: StateHandlerSet['stateHandlers'] = {};
  for (const [id, handler] of Object.entries(handlers) as [StateId, Handler][]) {
    const name = STATES[id].name;
    const record = (action: StateEvent['action'], params: StateParams, at: number, error?: unknown) => {
      const event: StateEvent = { state: name, params: { ...params }, action, outcome: 'ok', at };
      if (error !== undefined) {
        event.outcome = error instanceof StateSkipped ? 'skipped' : 'failed';
        event.reason = redactText(error instanceof Error ? error.message : String(error));
      }
      events.push(event);
    };
    const paramsOf = (params: unknown): StateParams =>
      params !== null && typeof params === 'object' ? (params as StateParams) : {};
    stateHandlers[name] = {
      setup: async (raw) => {
        const params = paramsOf(raw);
        const at = Date.now();
        try {
          const values = await within(options.deadlineMs, `setting up "${name}"`, handler.setup(params));
          for (const [key, value] of Object.entries(values ?? {})) if (key !== 'email') secret(String(value));
          record('setup', params, at);
          return values;
        } catch (error) {
          record('setup', params, at, error);
          throw error;
        }
      },
      teardown: async (raw) => {
        const params = paramsOf(raw);
        const at = Date.now();
        try {
          if (handler.teardown)
            await within(options.deadlineMs, `tearing down "${name}"`, handler.teardown(params));
          record('teardown', params, at);
        } catch (error) {
          record('teardown', params, at, error);
          throw error;
        }
        return undefined;
      },
    };
  }

  return {
    stateHandlers,
    // State handlers reset, then seed: nothing one interaction left behind reaches the next.
    beforeEach: async () => {
      beforeReplay = undefined;
      // The last interaction's teardowns have run: its session has nothing left to put back.
      const done = session;
      session = new TargetSession(target, hooks);
      await done.close();
      await session.control?.reset();
    },
    beforeReplay: async () => {
      const run = beforeReplay;
      beforeReplay = undefined;
      await run?.();
    },
    events,
    close: () => session.close(),
  };
}
