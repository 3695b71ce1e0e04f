/**
 * The one way the suites act on a target. Scenario checks and verification state handlers both
 * run through a TargetSession, so logging in, reading a recovery code, letting a token expire and
 * waiting out the rate limit happen one way, in the target's readings (clientOptionsFor), within
 * the same bounds (options.maxWaitSeconds, options.requestTimeoutSeconds).
 *
 * What differs between the suites is only how "the target cannot provide this" and "a rule was
 * broken" end the work (a skipped check or a skipped state; a failed check or a failed setup), and
 * where a trace goes: those are the hooks.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AuthClient,
  AuthClientError,
  clientOptionsFor,
  type Exchange,
  MemoryTokenStore,
  type TokenPair,
} from '../../client/index.ts';
import { decodeToken } from '../../jwt/index.ts';
import { Mailbox } from '../../mailbox/index.ts';
import { redactText } from '../../redact/index.ts';
import type { AccountSlot } from '../../roles.ts';
import { msUntilRefused } from '../expiry.ts';
import { isProductionTarget } from '../production.ts';
import type { Credentials, Target } from '../types.ts';
import { ControlClient } from './control.ts';
import { declaredQueue, declaredWindowWaitMs, rateLimitWaitMs, UNKNOWN_WAIT } from './rate-limit.ts';
import { RecoveryAccount } from './recovery.ts';
import { RecoveryLimit } from './recovery-limit.ts';
import { type RefusedBy, withBrokenSignature } from './tokens.ts';
import { waitLine } from './waits.ts';

export interface SessionHooks {
  /** Ends the work as "the target cannot provide this", saying why. */
  skip(reason: string): never;
  /** Ends the work as "the target broke a rule". Default: throws an Error. */
  fail?(message: string): never;
  /** Receives redacted lines: every HTTP exchange, every wait and clock move. */
  trace?(line: string): void;
  /** Waits go through here, so tests can count them. */
  sleep?(ms: number): Promise<void>;
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

/** Without Retry-After or a declared window, a window of a minute is ASP.NET's usual. */
const UNKNOWN_WINDOW_SECONDS = 60;
/** Clock moves over a limiter that never opens again end here. */
const MAX_CLOCK_MOVES = 3;
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

export class TargetSession {
  readonly target: Target;
  /** Clock control, when the target has it. */
  readonly control: ControlClient | undefined;
  readonly #hooks: SessionHooks;
  readonly #clients: TracedClient[] = [];
  #mailbox: Mailbox | undefined;
  #recovery: RecoveryAccount | undefined;
  /** Rate-limit waits of this session's clients so far: options.maxWaitSeconds bounds the sum. */
  #waitedMs = 0;
  readonly #recoveryLimit = new RecoveryLimit(this);

  constructor(target: Target, hooks: SessionHooks, control?: ControlClient) {
    this.target = target;
    this.#hooks = hooks;
    this.control =
      control ??
      (target.control
        ? new ControlClient(target.control, { timeoutMs: target.options.requestTimeoutSeconds * 1000 })
        : undefined);
  }

  get maxWaitMs(): number {
    return this.target.options.maxWaitSeconds * 1000;
  }

  /** Time this session's clients spent rate limited: told waits, and declared queues' latency. */
  get rateLimitWaitedMs(): number {
    return this.#waitedMs;
  }

  /** A target the load command refuses without --allow-production. */
  get isProduction(): boolean {
    return isProductionTarget(this.target);
  }

  /** Every client this session made, in order. */
  get clients(): readonly TracedClient[] {
    return this.#clients;
  }

  trace(line: string): void {
    this.#hooks.trace?.(redactText(line));
  }

  skip(reason: string): never {
    return this.#hooks.skip(redactText(reason));
  }

  fail(message: string): never {
    if (this.#hooks.fail) return this.#hooks.fail(redactText(message));
    throw new Error(redactText(message));
  }

  /**
   * Sleeps `ms`. With `what` (a phrase: "the access token to expire") the wait is announced first
   * in the one shape progress displays read (waits.ts), so no wait is silent.
   */
  wait(ms: number, what?: string): Promise<void> {
    if (what !== undefined) this.trace(waitLine({ what, seconds: ms / 1000, upTo: false }));
    return this.#hooks.sleep ? this.#hooks.sleep(ms) : sleep(ms);
  }

  /** The call must succeed; a refusal or transport error fails the work with what came back. */
  async ok<T>(what: string, call: Promise<T>): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof AuthClientError) this.fail(`${what} failed: ${error.message}`);
      throw error;
    }
  }

  /** A new client in the target's readings; `waitOnRateLimit: false` shows 429s instead of waiting them out. */
  client(options: { waitOnRateLimit?: boolean } = {}): TracedClient {
    const { target } = this;
    // With clock control a limit is skipped over by moving the clock (rateLimited()), never waited for.
    const wait = options.waitOnRateLimit !== false && !this.control;
    // A queueing limiter's wait is latency: a limited route's round trip may have been spent queued.
    const queueWaitMs = (exchange: Exchange) =>
      declaredQueue(target) > 0 && exchange.route === 'recoverPassword' ? exchange.durationMs : 0;
    const store = new MemoryTokenStore();
    const exchanges: Exchange[] = [];
    const client = new AuthClient({
      baseUrl: target.baseUrl,
      tokenStore: store,
      options: {
        ...clientOptionsFor(target),
        // The bound is per session: a client made later gets what earlier clients left of it.
        rateLimit: { maxTotalWaitMs: wait ? Math.max(0, this.maxWaitMs - this.#waitedMs) : 0 },
        onExchange: (exchange) => {
          this.#waitedMs += (exchange.retryAfterMs ?? 0) + queueWaitMs(exchange);
          exchanges.push(exchange);
          this.trace(formatExchange(exchange));
          // The client sleeps after this exchange: announced like every other wait.
          if (exchange.retryAfterMs !== undefined && exchange.retryAfterMs > 0) {
            this.trace(
              waitLine({
                what: `the rate limit on ${exchange.route ?? exchange.url} to let the retry through`,
                seconds: exchange.retryAfterMs / 1000,
                upTo: false,
              }),
            );
          }
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

  /** The account in `slot`; skips when the target has none. */
  account(slot: AccountSlot): Credentials {
    const credentials = this.target.accounts[slot];
    if (!credentials)
      this.skip(`target "${this.target.name}" (${this.target.source}) has no accounts.${slot}`);
    return credentials;
  }

  /** A fresh client logged in as `slot`. */
  async login(slot: AccountSlot): Promise<Session> {
    const credentials = this.account(slot);
    const traced = this.client();
    const tokens = await this.ok(
      `logging in as ${slot} (${credentials.email})`,
      traced.client.login({ email: credentials.email, password: credentials.password }),
    );
    return { ...traced, slot, email: credentials.email, tokens };
  }

  mailbox(): Mailbox {
    const config = this.target.mailbox;
    if (!config) this.skip(`target "${this.target.name}" (${this.target.source}) has no mailbox`);
    this.#mailbox ??= new Mailbox({
      url: config.url,
      codePattern: config.codePattern,
      // A mailbox that never delivers ends the check within maxWaitSeconds, like every other wait.
      timeoutMs: this.maxWaitMs,
      requestTimeoutMs: Math.min(this.target.options.requestTimeoutSeconds * 1000, this.maxWaitMs),
    });
    return this.#mailbox;
  }

  /** Server time (epoch ms): the control API's clock, else ours. */
  async serverNow(): Promise<number> {
    return this.control ? this.control.now() : Date.now();
  }

  /** Moves the server clock forward; skips without clock control. */
  moveClock(seconds: number, why: string): Promise<void> {
    return this.#advance(seconds, why);
  }

  async #advance(seconds: number, why: string): Promise<void> {
    if (!this.control) this.skip(`target "${this.target.name}" (${this.target.source}) has no clock control`);
    await this.control.advance(seconds);
    this.trace(`moved the server clock ${seconds} s forward: ${why}`);
  }

  /**
   * Returns once `accessToken` is refused on the server: moves the clock (control), or waits
   * when that takes at most options.maxWaitSeconds, or skips saying why.
   */
  async expire(accessToken: string): Promise<void> {
    const { exp } = decodeToken(accessToken).claims;
    if (typeof exp !== 'number') this.fail('the access token has no numeric exp claim, so it never expires');
    if (this.control) {
      const seconds = Math.max(
        1,
        Math.ceil(msUntilRefused(exp, await this.control.now(), this.target) / 1000),
      );
      await this.moveClock(seconds, 'so the access token is expired');
      return;
    }
    const waitMs = msUntilRefused(exp, Date.now(), this.target);
    const limit = this.target.options.maxWaitSeconds;
    if (waitMs > limit * 1000) {
      this.skip(
        `the access token expires in ${Math.ceil(waitMs / 1000)} s, more than options.maxWaitSeconds (${limit} s), and target "${this.target.name}" has no clock control`,
      );
    }
    if (waitMs <= 0) return;
    await this.wait(waitMs, 'the access token to expire (no clock control)');
  }

  /**
   * Makes the access token `session` holds one the target answers 401, for checks of the
   * client's 401 handling: expiry where it can be had (clock control, or short enough tokens),
   * otherwise the same token with a broken signature. Says which way it went.
   */
  async refuseAccessToken(session: Session): Promise<RefusedBy> {
    const { exp } = decodeToken(session.tokens.accessToken).claims;
    const expiresSoon =
      typeof exp === 'number' && msUntilRefused(exp, Date.now(), this.target) <= this.maxWaitMs;
    if (this.control || expiresSoon) {
      await this.expire(session.tokens.accessToken);
      this.trace('the access token is now refused by expiry');
      return 'expiry';
    }
    const stored = await session.store.load();
    if (!stored) this.fail('the session holds no token pair to break');
    await session.store.save({ ...stored, accessToken: withBrokenSignature(stored.accessToken) });
    this.trace(
      'the access token now carries a broken signature (expiry is out of reach: no clock control, long tokens)',
    );
    return 'broken-signature';
  }

  /**
   * Runs a call to a rate-limited route. Without clock control the client has already waited as
   * told within the bound, and a limit it could not wait out skips; with control a refusal moves
   * the clock past the window instead.
   */
  async rateLimited<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let moves = 0; ; moves++) {
      try {
        return await call();
      } catch (error) {
        const waitMs = rateLimitWaitMs(error, {
          declaredStatus: this.target.options.rateLimit?.rejectStatus,
        });
        if (waitMs === undefined) throw error;
        if (!this.control) {
          this.skip(
            `${what} stayed rate limited (${(error as { status?: number }).status}) beyond options.maxWaitSeconds (${this.target.options.maxWaitSeconds} s) of waiting`,
          );
        }
        if (moves >= MAX_CLOCK_MOVES)
          this.skip(`${what} stayed rate limited after moving the server clock ${moves} times`);
        const unknownMs = declaredWindowWaitMs(this.target) ?? UNKNOWN_WINDOW_SECONDS * 1000;
        const seconds = Math.max(1, Math.ceil((waitMs === UNKNOWN_WAIT ? unknownMs : waitMs) / 1000));
        // Not moveClock: skipping a limit window is no clock move a check must declare.
        await this.#advance(seconds, `rate limited on ${what}, instead of waiting`);
      }
    }
  }

  /**
   * Uses up the recover-password limit with addresses that can receive no mail; resolves with
   * the wait the refusal named (ms) or UNKNOWN_WAIT. Fails when no refusal comes: the document
   * says the route is rate limited.
   */
  exhaustRecoveryLimit(maxRequests: number): Promise<number> {
    return this.#recoveryLimit.exhaust(maxRequests);
  }

  /** Waits until the limiter that refused with `namedMs` (or UNKNOWN_WAIT) admits again. */
  waitOutRecoveryLimit(namedMs: number): Promise<void> {
    return this.#recoveryLimit.waitOut(namedMs);
  }

  /** Leaves at least one recover-password permit, bounded by options.maxWaitSeconds. */
  freshRecoveryWindow(maxRequests: number): Promise<void> {
    return this.#recoveryLimit.fresh(maxRequests);
  }

  /** The recovery account, tracked so that `restore()` puts back exactly what was changed. */
  recovery(): RecoveryAccount {
    this.#recovery ??= new RecoveryAccount(this, this.account('recovery'));
    return this.#recovery;
  }

  /** Closes every client this session opened. */
  async close(): Promise<void> {
    await Promise.all(this.#clients.map((traced) => traced.client.close().catch(() => undefined)));
  }
}

/** An address no target can deliver to (.invalid, RFC 2606), so no account and no mail. */
export function unknownAddress(): string {
  return `no-account-${randomBytes(6).toString('hex')}@facilioo-auth-suite.invalid`;
}
