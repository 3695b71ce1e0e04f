/**
 * What a check gets to work with. Everything that talks to the target goes through here, so
 * three promises hold for every check without each one repeating them: every HTTP exchange can
 * be traced (redacted), rate limits are waited out (or, with clock control, skipped over by
 * moving the server clock), and whatever the check changed is put back by its cleanups.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ApiError,
  AuthClient,
  clientOptionsFor,
  type Exchange,
  MemoryTokenStore,
  rateLimitWaitMs,
  type TokenPair,
} from '../client/index.ts';
import { decodeToken, type LabelledKey } from '../jwt/index.ts';
import { Mailbox } from '../mailbox/index.ts';
import { redactText } from '../redact/index.ts';
import type { AccountSlot } from '../roles.ts';
import { type Credentials, msUntilRefused, type Target } from '../target/index.ts';
import type { ControlClient } from './control.ts';
import { type Expect, ensure, expect } from './expect.ts';
import { RecoveryAccount } from './recovery.ts';
import { type Check, CheckSkipped } from './registry.ts';

/** Shared by every check of one run. */
export interface RunEnvironment {
  target: Target;
  control: ControlClient | undefined;
  /** The target's public keys, loaded once; empty when it lists none. */
  keys(): Promise<LabelledKey[]>;
  trace: ((line: string) => void) | undefined;
}

/** An AuthClient with its own token store and a record of what it sent. */
export interface TracedClient {
  client: AuthClient;
  store: MemoryTokenStore;
  exchanges: Exchange[];
  /** Refresh calls this client has made so far (its own 401 handling included). */
  refreshCount(): number;
}

export interface Session extends TracedClient {
  slot: AccountSlot;
  email: string;
  /** The pair the login answered with. */
  tokens: TokenPair;
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
  /** Moves the server clock; only for checks that declare `disturbs: ['clock']`. */
  advanceClock(seconds: number, why: string): Promise<void>;
  /**
   * Runs a call to a rate-limited route. With clock control, a rate-limit rejection (src/rate-limit)
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
}

/** The rate-limit reading every layer shares (src/client/for-target.ts, src/rate-limit). */
export { rateLimitWaitMs };

const MAX_TRACE_BODY = 240;

function compact(value: unknown): string {
  if (value === undefined) return '';
  const text = redactText(typeof value === 'string' ? value : JSON.stringify(value));
  return text.length > MAX_TRACE_BODY ? `${text.slice(0, MAX_TRACE_BODY)}…` : text;
}

/** One line per exchange; the Exchange is already redacted, redactText is the second belt. */
export function formatExchange(exchange: Exchange): string {
  let path = exchange.url;
  try {
    path = new URL(exchange.url).pathname;
  } catch {
    // keep the URL as given
  }
  const sent = compact(exchange.request.body);
  const bearer = exchange.request.headers.authorization ? ' [Bearer]' : '';
  const outcome =
    exchange.status === undefined ? `no response: ${exchange.error ?? 'unknown'}` : String(exchange.status);
  const challenge = exchange.response?.headers['www-authenticate'];
  const received = compact(exchange.response?.body);
  const parts = [
    `${exchange.method} ${path}${bearer}${sent ? ` ${sent}` : ''}`,
    `→ ${outcome} in ${Math.round(exchange.durationMs)} ms`,
    challenge ? `WWW-Authenticate: ${compact(challenge)}` : '',
    received,
    exchange.retryAfterMs !== undefined
      ? `(rate limited: waiting ${Math.ceil(exchange.retryAfterMs / 1000)} s as told)`
      : '',
    exchange.retryAfterRefresh ? '(retry after refresh)' : '',
  ];
  return parts.filter(Boolean).join(' ');
}

export class Context implements CheckContext {
  readonly target: Target;
  readonly check: Check;
  readonly expect: Expect = expect;
  readonly control: ControlClient | undefined;
  readonly #env: RunEnvironment;
  readonly #clients: TracedClient[] = [];
  readonly #cleanups: { label: string; action: () => Promise<void> }[] = [];
  #mailbox: Mailbox | undefined;
  #recovery: RecoveryAccount | undefined;
  #phase = '';
  /** Rate-limit waits of this check's clients so far. */
  #waitedMs = 0;

  constructor(env: RunEnvironment, check: Check) {
    this.#env = env;
    this.target = env.target;
    this.check = check;
    this.control = env.control;
  }

  trace(line: string): void {
    this.#env.trace?.(`[${this.check.id}${this.#phase}] ${redactText(line)}`);
  }

  skip(reason: string): never {
    throw new CheckSkipped(redactText(reason));
  }

  cleanup(label: string, action: () => Promise<void>): void {
    this.#cleanups.push({ label, action });
  }

  client(options: { waitOnRateLimit?: boolean } = {}): TracedClient {
    const { target } = this;
    const wait = options.waitOnRateLimit !== false && !this.control;
    const store = new MemoryTokenStore();
    const exchanges: Exchange[] = [];
    const client = new AuthClient({
      baseUrl: target.baseUrl,
      tokenStore: store,
      options: {
        ...clientOptionsFor(target),
        // With clock control a limit is skipped over by moving the clock (rateLimited()), never waited for.
        // The bound is per check: a client made later gets what earlier clients left of it.
        rateLimit: {
          maxTotalWaitMs: wait ? Math.max(0, target.options.maxWaitSeconds * 1000 - this.#waitedMs) : 0,
        },
        onExchange: (exchange) => {
          this.#waitedMs += exchange.retryAfterMs ?? 0;
          exchanges.push(exchange);
          this.trace(formatExchange(exchange));
        },
      },
    });
    const traced: TracedClient = {
      client,
      store,
      exchanges,
      refreshCount: () => exchanges.filter((exchange) => exchange.route === 'refresh').length,
    };
    this.#clients.push(traced);
    return traced;
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

  account(slot: AccountSlot): Credentials {
    const credentials = this.target.accounts[slot];
    if (!credentials)
      this.skip(`target "${this.target.name}" (${this.target.source}) has no accounts.${slot}`);
    return credentials;
  }

  async login(slot: AccountSlot): Promise<Session> {
    const credentials = this.account(slot);
    const traced = this.client();
    const tokens = await this.expect.ok(
      `logging in as ${slot} (${credentials.email})`,
      traced.client.login({ email: credentials.email, password: credentials.password }),
    );
    return { ...traced, slot, email: credentials.email, tokens };
  }

  mailbox(): Mailbox {
    const config = this.target.mailbox;
    if (!config) this.skip(`target "${this.target.name}" (${this.target.source}) has no mailbox`);
    // A mailbox that never delivers ends the check within maxWaitSeconds, like every other wait.
    const { maxWaitSeconds, requestTimeoutSeconds } = this.target.options;
    this.#mailbox ??= new Mailbox({
      url: config.url,
      codePattern: config.codePattern,
      timeoutMs: maxWaitSeconds * 1000,
      requestTimeoutMs: Math.min(requestTimeoutSeconds, maxWaitSeconds) * 1000,
    });
    return this.#mailbox;
  }

  keys(): Promise<LabelledKey[]> {
    return this.#env.keys();
  }

  async serverNow(): Promise<number> {
    return this.control ? this.control.now() : Date.now();
  }

  async advanceClock(seconds: number, why: string): Promise<void> {
    if (!this.control) this.skip(`target "${this.target.name}" (${this.target.source}) has no clock control`);
    if (!this.check.disturbs.includes('clock')) {
      throw new Error(`check ${this.check.id} moves the clock but does not declare disturbs: ['clock']`);
    }
    await this.control.advance(seconds);
    this.trace(`moved the server clock ${seconds} s forward: ${why}`);
  }

  async expire(accessToken: string): Promise<void> {
    const { exp } = decodeToken(accessToken).claims;
    ensure(typeof exp === 'number', 'the access token has no numeric exp claim, so it never expires');
    if (this.control) {
      const remaining = Math.max(
        1,
        Math.ceil(msUntilRefused(exp, await this.control.now(), this.target) / 1000),
      );
      await this.advanceClock(remaining, 'so the access token is expired');
      return;
    }
    const waitMs = msUntilRefused(exp, Date.now(), this.target);
    const limit = this.target.options.maxWaitSeconds;
    if (waitMs > limit * 1000) {
      this.skip(
        `the access token expires in ${Math.ceil(waitMs / 1000)} s, more than options.maxWaitSeconds (${limit} s), and target "${this.target.name}" has no clock control`,
      );
    }
    if (waitMs > 0) {
      this.trace(`waiting ${Math.ceil(waitMs / 1000)} s for the access token to expire (no clock control)`);
      await sleep(waitMs);
    }
  }

  async rateLimited<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const waitMs = rateLimitWaitMs(error, this.target);
        if (waitMs === undefined) throw error;
        if (!this.control) {
          this.skip(
            `${what} stayed rate limited (${(error as ApiError).status}) beyond options.maxWaitSeconds (${this.target.options.maxWaitSeconds} s) of waiting in this check`,
          );
        }
        // Without Retry-After, a window of a minute is ASP.NET's usual; the loop bound ends a limiter that never opens.
        if (attempt >= 3)
          this.skip(`${what} stayed rate limited after moving the server clock ${attempt} times`);
        const seconds = waitMs < 0 ? 60 : Math.max(1, Math.ceil(waitMs / 1000));
        await this.control.advance(seconds);
        this.trace(`rate limited on ${what}: moved the server clock ${seconds} s forward instead of waiting`);
      }
    }
  }

  recovery(): RecoveryAccount {
    if (!this.check.uses.includes('recovery')) {
      throw new Error(
        `check ${this.check.id} changes the recovery account but does not declare uses: ['recovery']`,
      );
    }
    if (!this.#recovery) {
      const account = new RecoveryAccount(this, this.account('recovery'));
      this.#recovery = account;
      this.cleanup('restore the recovery account', () => account.restore());
    }
    return this.#recovery;
  }

  /**
   * Runs the cleanups, then spends every token family the check's clients still hold. Returns
   * the failures of the cleanups (family spending is best effort: a server that cannot revoke
   * a family is already a finding of its own check).
   */
  async finish(): Promise<string[]> {
    this.#phase = ' cleanup';
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
    await Promise.all(this.#clients.map((traced) => this.#spendFamily(traced)));
    await Promise.all(this.#clients.map((traced) => traced.client.close().catch(() => undefined)));
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
