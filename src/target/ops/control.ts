/**
 * The reference API's control API (docs/architecture.md, "Reference API"), as far as the suites
 * use it: read and move the server clock, reset to the seeded state, read request counts and an
 * account's recovery state. With it a 24-hour lockout takes milliseconds; without it the suites
 * wait (bounded by options.maxWaitSeconds) or skip.
 */
import { type Dispatcher, request } from 'undici';

export interface RecoveryStateView {
  email: string;
  failedAttempts: number;
  blocked: boolean;
  blockedUntil: string | null;
  codeIssued: boolean;
}

export class ControlClient {
  readonly url: string;
  readonly #dispatcher: Dispatcher | undefined;

  readonly #timeoutMs: number;

  constructor(url: string, options: { dispatcher?: Dispatcher; timeoutMs?: number } = {}) {
    this.url = url.replace(/\/+$/, '');
    this.#dispatcher = options.dispatcher;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Server time in epoch ms. */
  async now(): Promise<number> {
    return parseNow(await this.#call('GET', '/clock'));
  }

  /** Moves the server clock forward; returns the new server time in epoch ms. */
  async advance(seconds: number): Promise<number> {
    return parseNow(await this.#call('POST', '/clock', { advanceSeconds: seconds }));
  }

  /** Back to the seeded state: accounts, recovery states, limiter and clock. */
  async reset(): Promise<void> {
    await this.#call('POST', '/reset');
  }

  /** Requests per route name since the last reset, e.g. `{ refresh: 3, login: 1 }`. */
  async stats(): Promise<Record<string, number>> {
    const body = await this.#call('GET', '/stats');
    if (body === null || typeof body !== 'object')
      throw new Error(`${this.url}/stats did not answer an object`);
    return body as Record<string, number>;
  }

  async recoveryState(email: string): Promise<RecoveryStateView> {
    return (await this.#call('GET', `/accounts/${encodeURIComponent(email)}/recovery`)) as RecoveryStateView;
  }

  async #call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const response = await request(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.#timeoutMs),
      ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      throw new Error(
        `control API ${method} ${this.url}${path} answered ${response.statusCode}; is the target's "control" URL right?`,
      );
    }
    return JSON.parse(text) as unknown;
  }
}

function parseNow(body: unknown): number {
  const now = (body as { now?: unknown } | null)?.now;
  const ms = typeof now === 'string' ? Date.parse(now) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error('control API clock answer carries no ISO "now"');
  return ms;
}
