/**
 * Provider states, created on the target itself — through its accounts, its mailbox and the
 * public routes, the way a QA engineer would — so verification works against staging as well as
 * against our reference API. Each state that changes the target undoes it in its teardown: the
 * recovery account ends unblocked, with the password from the target file.
 *
 * A control URL (the reference API's) is only a shortcut: reset before each interaction, move
 * the clock instead of waiting for a token to expire, reset the limiter instead of waiting out
 * its window. Without one, handlers wait (bounded by options.maxWaitSeconds) or skip the state
 * with a reason.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { STATES, type StateAccount, type StateId, type StateParams } from '../../contracts/states.ts';
import {
  ApiError,
  AuthClient,
  clientOptionsFor,
  MemoryTokenStore,
  rateLimitWaitMs,
} from '../client/index.ts';
import { decodeToken } from '../jwt/index.ts';
import { Mailbox } from '../mailbox/index.ts';
import { redactText, registerSecret } from '../redact/index.ts';
import type { AccountSlot } from '../roles.ts';
import { type Credentials, missing, msUntilRefused, type Need, type Target } from '../target/index.ts';
import type { StateEvent } from './results.ts';

/** The target cannot provide the state; the interaction is reported as skipped with `message`. */
export class StateSkipped extends Error {
  override readonly name = 'StateSkipped';
}

/** How many requests the rate-limit state sends at most before giving up on seeing a refusal. */
export const MAX_REQUESTS_TO_EXHAUST_LIMIT = 60;

export interface StateHandlerOptions {
  /** Waits go through here, so tests can count them. */
  sleep?: (ms: number) => Promise<void>;
  /** Every value handed to the verifier or created on the target, to redact logs with. */
  onSecret?: (value: string) => void;
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
  /** What every setup and teardown did, in order. */
  events: StateEvent[];
  /** Closes the HTTP clients the handlers opened. */
  close(): Promise<void>;
}

/** A code that is certainly wrong: the right one with every digit shifted. */
export function wrongCodeFor(code: string, shift = 1): string {
  return code.replace(/\d/g, (digit) => String((Number(digit) + shift) % 10));
}

/** A password the recovery account gets for the length of one interaction. */
function temporaryPassword(): string {
  return `Tmp-${randomBytes(12).toString('base64url')}-9a`;
}

function unknownAddress(): string {
  // .invalid (RFC 2606) can never receive mail, whoever the target is.
  return `no-account-${randomBytes(6).toString('hex')}@facilioo-auth-suite.invalid`;
}

export function createStateHandlers(target: Target, options: StateHandlerOptions = {}): StateHandlerSet {
  const wait = options.sleep ?? ((ms: number) => sleep(ms));
  const secret = (value: string | number | undefined) => {
    if (value === undefined) return;
    registerSecret(value);
    options.onSecret?.(String(value));
  };
  const maxWaitMs = target.options.maxWaitSeconds * 1000;
  const clients: AuthClient[] = [];
  const events: StateEvent[] = [];
  /** Filled by the rate-limit state: how long the last refusal asked to wait. */
  let limiterRetryAfterMs: number | undefined;

  const newClient = (rateLimitWaitMs = maxWaitMs) => {
    const client = new AuthClient({
      baseUrl: target.baseUrl,
      tokenStore: new MemoryTokenStore(),
      options: {
        ...clientOptionsFor(target),
        rateLimit: { maxTotalWaitMs: rateLimitWaitMs },
      },
    });
    clients.push(client);
    return client;
  };

  const need = (...needs: Need[]) => {
    const reason = missing(target, ...needs);
    if (reason) throw new StateSkipped(reason);
  };
  const account = (slot: AccountSlot): Credentials => {
    need(`account:${slot}`);
    return target.accounts[slot] as Credentials;
  };
  const slotOf = (params: StateParams): StateAccount => {
    if (!params.account) throw new Error('the state needs an "account" parameter (an account slot)');
    return params.account;
  };
  const mailbox = () => {
    need('mailbox');
    const config = target.mailbox!;
    return new Mailbox({
      url: config.url,
      codePattern: config.codePattern,
      // Bounded like every other wait: a mailbox that never delivers fails the state within maxWaitSeconds.
      timeoutMs: maxWaitMs,
      requestTimeoutMs: Math.min(target.options.requestTimeoutSeconds * 1000, maxWaitMs),
    });
  };

  const control = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const url = `${target.control}${path}`;
    const response = await request(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await response.body.text();
    if (response.statusCode >= 300)
      throw new Error(`${method} ${url} answered ${response.statusCode}: ${text.slice(0, 200)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  const login = async (slot: AccountSlot) => {
    const credentials = account(slot);
    const client = newClient();
    const pair = await client.login({ email: credentials.email, password: credentials.password });
    secret(pair.accessToken);
    secret(pair.refreshToken);
    return { client, pair };
  };

  /** Sends a recovery code to the recovery account and reads it from the mailbox. */
  const freshRecoveryCode = async () => {
    const recovery = account('recovery');
    const box = mailbox();
    const after = Date.now();
    await newClient().recoverPassword(recovery.email);
    const code = await box.waitForCode(recovery.email, { after });
    secret(code);
    return code;
  };

  const canLogIn = async (credentials: Credentials) => {
    try {
      await newClient().login(credentials);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) return false;
      throw error;
    }
  };

  /**
   * Leaves the recovery account as the target file describes it: not blocked, and the file's
   * password working. With a control URL a reset does it; otherwise the owning company
   * unblocks it and, if the password changed, a recovery code sets it back.
   */
  const restoreRecoveryAccount = async () => {
    if (target.control) {
      await control('POST', '/reset');
      return;
    }
    const recovery = account('recovery');
    const owner = await login('propertyManagementCompany');
    // Also clears failed attempts short of a block, which would otherwise add up across runs.
    await owner.client.unblockRecoveryCode(recovery.email).catch((error) => {
      if (!(error instanceof ApiError && error.status < 500)) throw error;
    });
    if (await canLogIn(recovery)) return;
    const code = await freshRecoveryCode();
    await newClient().changePasswordWithRecoveryCode({
      email: recovery.email,
      password: recovery.password,
      recoveryCode: code,
    });
    if (!(await canLogIn(recovery))) {
      throw new Error(
        `the recovery account ${recovery.email} cannot log in with the target file's password after restoring it — set it back by hand`,
      );
    }
  };

  /**
   * Uses up the recover-password limit; resolves with the wait the refusal named (ms), if any.
   * No waiting on refusals here: the refusal is what is looked for.
   */
  const exhaustRecoveryLimit = async (): Promise<number | undefined> => {
    const client = newClient(0);
    for (let sent = 0; sent < MAX_REQUESTS_TO_EXHAUST_LIMIT; sent++) {
      try {
        await client.recoverPassword(unknownAddress());
      } catch (error) {
        const waitMs = rateLimitWaitMs(error, target);
        if (waitMs !== undefined) return waitMs < 0 ? undefined : waitMs;
        throw error;
      }
    }
    // Not skipped: the document says the route is rate limited, so the interaction runs and fails.
    throw new Error(`no 429 or 503 after ${MAX_REQUESTS_TO_EXHAUST_LIMIT} password recovery requests`);
  };

  /**
   * Before an interaction that sends recover-password itself: the states before it may have used
   * the limit up (requesting codes, locking the account). With clock control the state is reset
   * before each interaction anyway; without it, the only way to be sure a permit is left is to
   * use the window up and wait out the refusal's Retry-After, so the verifier meets a fresh one.
   */
  const freshRecoveryWindow = async (): Promise<void> => {
    if (target.control) return;
    const retryAfterMs = (await exhaustRecoveryLimit()) ?? maxWaitMs;
    if (retryAfterMs > maxWaitMs) {
      throw new StateSkipped(
        `recover-password of target "${target.name}" asks for a ${Math.round(retryAfterMs / 1000)} s wait, longer than options.maxWaitSeconds (${target.options.maxWaitSeconds} s), and the target has no control URL to reset its limiter`,
      );
    }
    await wait(retryAfterMs);
  };

  const handlers: Record<StateId, Handler> = {
    registeredAccount: {
      setup: async (params) => {
        const slot = slotOf(params);
        const credentials = account(slot);
        // The recovery account's state precedes recover-password and unblock requests.
        if (slot === 'recovery') await freshRecoveryWindow();
        return { email: credentials.email, password: credentials.password };
      },
    },

    liveRefreshToken: {
      setup: async (params) => ({ refreshToken: (await login(slotOf(params))).pair.refreshToken }),
    },

    spentRefreshToken: {
      setup: async (params) => {
        const { client, pair } = await login(slotOf(params));
        const next = await client.refresh(pair.refreshToken);
        secret(next.accessToken);
        secret(next.refreshToken);
        return { refreshToken: pair.refreshToken };
      },
    },

    liveAccessToken: {
      setup: async (params) => ({ accessToken: (await login(slotOf(params))).pair.accessToken }),
    },

    expiredAccessToken: {
      setup: async (params) => {
        const { pair } = await login(slotOf(params));
        const exp = decodeToken(pair.accessToken).claims.exp;
        if (typeof exp !== 'number')
          throw new Error('the access token has no numeric exp claim, so it cannot be let expire');
        if (target.control) {
          const { now } = await control('GET', '/clock');
          const serverNow = Date.parse(String(now));
          const seconds = Math.max(1, Math.ceil(msUntilRefused(exp, serverNow, target) / 1000));
          await control('POST', '/clock', { advanceSeconds: seconds });
        } else {
          // A second more for clock skew between us and the target.
          const ms = msUntilRefused(exp, Date.now(), target) + 1000;
          if (ms > maxWaitMs) {
            throw new StateSkipped(
              `access tokens of target "${target.name}" expire in ${Math.round(ms / 1000)} s, longer than options.maxWaitSeconds (${target.options.maxWaitSeconds} s), and the target has no control URL to move its clock`,
            );
          }
          await wait(Math.max(0, ms));
        }
        return { accessToken: pair.accessToken };
      },
      teardown: async () => {
        if (target.control) await control('POST', '/reset');
      },
    },

    unknownAddress: {
      setup: async () => {
        await freshRecoveryWindow();
        return { email: unknownAddress() };
      },
    },

    recoveryLimitUsedUp: {
      setup: async () => {
        limiterRetryAfterMs = await exhaustRecoveryLimit();
        return { email: unknownAddress() };
      },
      teardown: async () => {
        if (target.control) {
          await control('POST', '/reset');
          return;
        }
        // The window the limiter named, else the longest wait allowed: later states need the route.
        await wait(Math.min(limiterRetryAfterMs ?? maxWaitMs, maxWaitMs));
        limiterRetryAfterMs = undefined;
      },
    },

    recoveryCodeSent: {
      setup: async () => {
        need('account:recovery', 'account:propertyManagementCompany', 'mailbox');
        const recovery = account('recovery');
        const code = await freshRecoveryCode();
        const newPassword = temporaryPassword();
        const wrongRecoveryCode = wrongCodeFor(code);
        secret(newPassword);
        secret(wrongRecoveryCode);
        return { email: recovery.email, recoveryCode: code, wrongRecoveryCode, newPassword };
      },
      teardown: restoreRecoveryAccount,
    },

    recoveryBlocked: {
      setup: async () => {
        need('account:recovery', 'account:propertyManagementCompany', 'mailbox');
        const recovery = account('recovery');
        const code = await freshRecoveryCode();
        const newPassword = temporaryPassword();
        secret(newPassword);
        const client = newClient();
        // DOC: five wrong codes block recovery. Each differs from the right code and from each other.
        for (let attempt = 1; attempt <= 5; attempt++) {
          const wrong = wrongCodeFor(code, attempt);
          secret(wrong);
          try {
            await client.changePasswordWithRecoveryCode({
              email: recovery.email,
              password: newPassword,
              recoveryCode: wrong,
            });
            throw new Error(`wrong recovery code number ${attempt} was accepted`);
          } catch (error) {
            if (!(error instanceof ApiError && error.status < 500)) throw error;
          }
        }
        return { email: recovery.email, recoveryCode: code, newPassword };
      },
      teardown: restoreRecoveryAccount,
    },
  };

  const stateHandlers: StateHandlerSet['stateHandlers'] = {};
  for (const [id, handler] of Object.entries(handlers) as [StateId, Handler][]) {
    const name = STATES[id].name;
    const record = (action: StateEvent['action'], params: StateParams, error?: unknown) => {
      const event: StateEvent = { state: name, params: { ...params }, action, outcome: 'ok' };
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
        try {
          const values = await handler.setup(params);
          for (const [key, value] of Object.entries(values ?? {})) if (key !== 'email') secret(String(value));
          record('setup', params);
          return values;
        } catch (error) {
          record('setup', params, error);
          throw error;
        }
      },
      teardown: async (raw) => {
        const params = paramsOf(raw);
        try {
          await handler.teardown?.(params);
          record('teardown', params);
        } catch (error) {
          record('teardown', params, error);
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
      if (target.control) await control('POST', '/reset');
    },
    events,
    close: async () => {
      await Promise.allSettled(clients.map((client) => client.close()));
      clients.length = 0;
    },
  };
}
