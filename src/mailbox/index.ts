/**
 * Recovery codes from e-mail, through the Mailpit API subset in the spec (a real Mailpit or the
 * reference API's outbox at `${baseUrl}/mailbox`).
 *
 * Written on undici rather than the `mailpit-api` package: that client reports HTTP failures
 * as message strings only (`clear` must tell a 404/405 "this server cannot delete" from a real
 * failure), calls the global fetch, so an injected undici 7 dispatcher would cross into Node's
 * bundled undici, and has no per-request timeout. The subset is three calls.
 */
import { type Dispatcher, request } from 'undici';
import { z } from 'zod';
import { registerSecret } from '../redact/index.ts';
import { DEFAULT_CODE_PATTERN, type MailboxConfig } from '../target/types.ts';

export interface MailboxOptions extends Partial<Pick<MailboxConfig, 'kind'>> {
  /** Mailpit base URL, the one under which `/api/v1/...` is served. */
  url: string;
  /** RegExp source; group 1, or the whole match when there is no group, is the code. */
  codePattern?: string;
  /** Default for `waitForCode`. */
  timeoutMs?: number;
  /**
   * How far a message's `Created` may lie before `after` and still count. `Created` is stamped
   * by the mail server's clock and `after` by ours: a server a second behind would otherwise
   * make the fresh code look older than the request that caused it, and the wait would time out.
   */
  clockSkewToleranceMs?: number;
  /** Longest single HTTP call; a hung mailbox must not stall a wait past its deadline. */
  requestTimeoutMs?: number;
  /** Poll interval bounds: the first poll waits `minPollMs`, doubling up to `maxPollMs`. */
  minPollMs?: number;
  maxPollMs?: number;
  dispatcher?: Dispatcher;
}

export interface MailMessage {
  id: string;
  subject: string;
  /** When the mail server received it, on the mail server's clock. */
  created: Date;
  to: string[];
  text: string;
  html: string;
}

export interface AfterOptions {
  /** Only messages created after this moment (minus the clock-skew tolerance) count. */
  after: Date | number;
}

export interface WaitOptions extends AfterOptions {
  timeoutMs?: number;
}

/** A mailbox that answered, but not as the Mailpit API does; retrying will not help. */
export class MailboxError extends Error {
  override readonly name = 'MailboxError';
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** No usable message arrived in time. The message says what was seen instead. */
export class MailboxTimeoutError extends Error {
  override readonly name = 'MailboxTimeoutError';
  constructor(
    message: string,
    readonly address: string,
    readonly waitedMs: number,
  ) {
    super(message);
  }
}

const searchResponse = z.looseObject({
  messages: z.array(
    z.looseObject({
      ID: z.string(),
      Created: z.string(),
      To: z.array(z.looseObject({ Address: z.string() })).nullish(),
    }),
  ),
});

const messageResponse = z.looseObject({
  ID: z.string(),
  Subject: z.string().nullish(),
  Text: z.string().nullish(),
  HTML: z.string().nullish(),
  To: z.array(z.looseObject({ Address: z.string() })).nullish(),
  Date: z.string().nullish(),
});

/** Enough for the newest few messages to one address; the address filter is done by the server. */
const SEARCH_LIMIT = 25;

const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export class Mailbox {
  readonly url: string;
  readonly codePattern: RegExp;
  readonly #timeoutMs: number;
  readonly #toleranceMs: number;
  readonly #requestTimeoutMs: number;
  readonly #minPollMs: number;
  readonly #maxPollMs: number;
  readonly #dispatcher: Dispatcher | undefined;

  constructor(options: MailboxOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.codePattern = new RegExp(options.codePattern ?? DEFAULT_CODE_PATTERN);
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#toleranceMs = options.clockSkewToleranceMs ?? 2_000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.#minPollMs = options.minPollMs ?? 50;
    this.#maxPollMs = options.maxPollMs ?? 1_000;
    this.#dispatcher = options.dispatcher;
  }

  /** The newest message to `address` created after `after`, or undefined. */
  async latest(address: string, { after }: AfterOptions): Promise<MailMessage | undefined> {
    const { fresh } = await this.#candidates(address, after, this.#requestTimeoutMs);
    return fresh[0] ? this.#message(fresh[0], this.#requestTimeoutMs) : undefined;
  }

  /**
   * Polls until the newest message to `address` created after `after` carries a code, and
   * returns the code (registered as a secret, so no log or report shows it). Server errors and
   * refused connections are retried until the deadline; an answer that is not the Mailpit API
   * fails at once. The first poll always completes (up to `requestTimeoutMs`), even past a
   * shorter `timeoutMs`.
   */
  async waitForCode(address: string, { after, timeoutMs = this.#timeoutMs }: WaitOptions): Promise<string> {
    const started = performance.now();
    const deadline = started + timeoutMs;
    let firstPoll = true;
    // The first poll always gets a full request timeout: a short wait against a slow mailbox
    // must not report "nothing arrived" without having looked once.
    const remaining = () =>
      firstPoll
        ? this.#requestTimeoutMs
        : Math.max(1, Math.min(this.#requestTimeoutMs, deadline - performance.now()));
    let delay = this.#minPollMs;
    let seen = { fresh: 0, older: 0, unmatched: 0 };
    let lastFailure: string | undefined;
    for (;;) {
      try {
        const { fresh, older } = await this.#candidates(address, after, remaining());
        const newest = fresh[0];
        if (newest) {
          const code = extractCode(await this.#message(newest, remaining()), this.codePattern);
          if (code !== undefined) {
            registerSecret(code);
            return code;
          }
        }
        // Only a poll that completed says what the mailbox holds; a failed one keeps the last view.
        seen = { fresh: fresh.length, older, unmatched: newest ? 1 : 0 };
        lastFailure = undefined;
      } catch (error) {
        if (error instanceof MailboxError) throw error;
        lastFailure = error instanceof Error ? error.message : String(error);
      }
      firstPoll = false;
      const left = deadline - performance.now();
      if (left <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(delay, left)));
      delay = Math.min(delay * 2, this.#maxPollMs);
    }
    const waited = Math.round(performance.now() - started);
    const since = new Date(toMs(after)).toISOString();
    const what = seen.unmatched
      ? `${seen.fresh} message(s) to ${address} arrived after ${since}, but the newest has no match for the code pattern /${this.codePattern.source}/ in its Text or HTML (check mailbox.codePattern in the target)`
      : `no message to ${address} arrived after ${since}${seen.older ? ` (${seen.older} older message(s) ignored)` : ''}`;
    const failure = lastFailure ? `; the last poll failed: ${lastFailure}` : '';
    throw new MailboxTimeoutError(
      `mailbox ${this.url}: ${what} within ${waited} ms${failure}`,
      address,
      waited,
    );
  }

  /**
   * Deletes the messages to `address` (DELETE search), so the next wait cannot pick up an old
   * code. A server without that call (404/405) is left alone; the `after` filter still holds.
   */
  async clear(address: string): Promise<void> {
    const url = this.#searchUrl(address);
    const response = await this.#call('DELETE', url, this.#requestTimeoutMs);
    const body = await response.body.text();
    if (response.statusCode === 404 || response.statusCode === 405) return;
    if (response.statusCode >= 300) {
      throw new MailboxError(
        `mailbox: DELETE ${url} answered ${response.statusCode}${body ? `: ${body.slice(0, 200)}` : ''}`,
        url,
        response.statusCode,
      );
    }
  }

  #searchUrl(address: string): string {
    const url = new URL(`${this.url}/api/v1/search`);
    // Mailpit quotes values with spaces; a `"` cannot occur in an address worth searching for.
    url.searchParams.set('query', `to:"${address.replaceAll('"', '')}"`);
    url.searchParams.set('limit', String(SEARCH_LIMIT));
    return url.href;
  }

  async #candidates(address: string, after: Date | number, timeoutMs: number) {
    const url = this.#searchUrl(address);
    const { messages } = await this.#json('GET', url, searchResponse, timeoutMs);
    const threshold = toMs(after) - this.#toleranceMs;
    // Mailpit's `to:` matches substrings (`bob@x` finds `alice.bob@x`), so filter exactly here.
    const mine = messages
      .filter((message) => (message.To ?? []).some((to) => sameAddress(to.Address, address)))
      .map((message) => ({ ...message, createdMs: Date.parse(message.Created) }));
    const fresh = mine
      .filter((message) => message.createdMs >= threshold)
      .sort((a, b) => b.createdMs - a.createdMs);
    return { fresh, older: mine.length - fresh.length };
  }

  async #message(summary: { ID: string; createdMs: number }, timeoutMs: number): Promise<MailMessage> {
    const url = `${this.url}/api/v1/message/${encodeURIComponent(summary.ID)}`;
    // A message found a moment ago may be gone (a concurrent clear): worth another poll.
    const message = await this.#json('GET', url, messageResponse, timeoutMs, { retry404: true });
    return {
      id: message.ID,
      subject: message.Subject ?? '',
      created: new Date(summary.createdMs),
      to: (message.To ?? []).map((to) => to.Address),
      text: message.Text ?? '',
      html: message.HTML ?? '',
    };
  }

  async #call(method: 'GET' | 'DELETE', url: string, timeoutMs: number) {
    try {
      return await request(url, {
        method,
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(Math.ceil(timeoutMs)),
        ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
      });
    } catch (error) {
      throw new Error(`${method} ${url} failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  }

  async #json<T extends z.ZodType>(
    method: 'GET',
    url: string,
    schema: T,
    timeoutMs: number,
    { retry404 = false } = {},
  ): Promise<z.output<T>> {
    const response = await this.#call(method, url, timeoutMs);
    const text = await response.body.text();
    if (response.statusCode >= 500 || (retry404 && response.statusCode === 404)) {
      // Retryable: the caller's poll loop tries again until its deadline.
      throw new Error(`${method} ${url} answered ${response.statusCode}`);
    }
    if (response.statusCode !== 200) {
      throw new MailboxError(
        `mailbox: ${method} ${url} answered ${response.statusCode}; is mailbox.url the Mailpit base URL (the one serving /api/v1/...)?`,
        url,
        response.statusCode,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new MailboxError(
        `mailbox: ${method} ${url} did not answer as the Mailpit API does (${parsed.error.issues[0]?.message ?? 'not JSON'} at ${parsed.error.issues[0]?.path.join('.') || 'the top level'}); is mailbox.url a Mailpit server?`,
        url,
        response.statusCode,
      );
    }
    return parsed.data;
  }
}

function toMs(moment: Date | number): number {
  return typeof moment === 'number' ? moment : moment.getTime();
}

/**
 * The code in a message: the first match in Text; else in the HTML's visible text; else in the
 * raw HTML. Visible text comes before raw HTML because attribute values (`color:#123456`,
 * tracking ids) match a digits pattern too, yet raw HTML must stay last-resort searchable,
 * since the code may travel only inside a link (DOC: "a link containing the recovery code").
 */
export function extractCode(
  message: Pick<MailMessage, 'text' | 'html'>,
  pattern: RegExp,
): string | undefined {
  for (const haystack of [message.text, visibleText(message.html), message.html]) {
    const match = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).exec(haystack);
    const code = match ? (match[1] ?? match[0]) : undefined;
    if (code) return code;
  }
  return undefined;
}

function visibleText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&amp;/gi, '&');
}
