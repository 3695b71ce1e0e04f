/**
 * One bounded round of requests before any layer runs: is the target reachable, does it answer
 * JSON on its auth routes, and does it accept one configured login? A wrong URL, a web server
 * instead of the API, a bad certificate or a wrong password otherwise surfaces as dozens of
 * failed checks and "critical" findings that blame the API. Here it is one line naming the URL
 * and the cause, exit 2, before any check runs or any report is touched.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { ConfigError } from '../errors.ts';
import { redactText } from '../redact/index.ts';
import { ACCOUNT_SLOTS, type AccountSlot } from '../roles.ts';
import type { Target } from '../target/index.ts';

export interface PreflightOptions {
  /** Bound of the whole round; default the target's requestTimeoutSeconds. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

export interface PreflightResult {
  /** What was proven, one line each, for check-target --probe. */
  lines: string[];
  durationMs: number;
}

/** A target that failed the preflight: a configuration problem (exit 2), one line. */
export class PreflightError extends ConfigError {
  constructor(
    readonly url: string,
    readonly cause_: string,
  ) {
    super(`preflight: ${url}: ${cause_}; no checks were run and earlier reports were left as they were`);
  }
}

// The recovery account's password may be mid-change after an interrupted run; any other proves as much.
const LOGIN_ORDER: AccountSlot[] = [...ACCOUNT_SLOTS.filter((slot) => slot !== 'recovery'), 'recovery'];

export async function preflight(target: Target, options: PreflightOptions = {}): Promise<PreflightResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? target.options.requestTimeoutSeconds * 1000;
  const own = options.dispatcher
    ? undefined
    : new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const dispatcher = options.dispatcher ?? own!;
  const signal = AbortSignal.timeout(timeoutMs);
  const call = (path: string, body: unknown) =>
    send(new URL(path, target.baseUrl).href, body, { dispatcher, signal, timeoutMs });
  try {
    const slot = LOGIN_ORDER.find((s) => target.accounts[s] !== undefined);
    const refreshUrl = new URL(target.paths.refresh, target.baseUrl).href;
    // Both at once: the round takes one request's time, bounded by the same deadline.
    const [refresh, login] = await Promise.all([
      call(target.paths.refresh, { refreshToken: 'preflight-not-a-token' }),
      slot === undefined
        ? undefined
        : call(target.paths.login, {
            email: target.accounts[slot]!.email,
            password: target.accounts[slot]!.password,
            skipMultiFactorAuthentication: true,
          }),
    ]);
    const lines = [
      `POST ${refreshUrl}: reachable, answers ${describeAnswer(refresh)} to a made-up refresh token`,
    ];
    if (login && slot) {
      lines.push(
        `${login.url}: accepts the login of accounts.${slot} (${target.accounts[slot]!.email}), ${login.status}`,
      );
      requireLogin(login, slot);
    } else {
      lines.push('no account in the target file: the login was not tried');
    }
    return { lines, durationMs: Date.now() - started };
  } finally {
    await own?.close();
  }
}

interface Answer {
  url: string;
  status: number;
  contentType: string;
  text: string;
  json: unknown;
}

async function send(
  url: string,
  body: unknown,
  options: { dispatcher: Dispatcher; signal: AbortSignal; timeoutMs: number },
): Promise<Answer> {
  let response: Dispatcher.ResponseData;
  let text: string;
  try {
    response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      dispatcher: options.dispatcher,
      signal: options.signal,
    });
    text = await response.body.text();
  } catch (error) {
    throw new PreflightError(`POST ${url}`, transportCause(error, options.timeoutMs));
  }
  const contentType = String(response.headers['content-type'] ?? '');
  const answer: Answer = {
    url: `POST ${url}`,
    status: response.statusCode,
    contentType,
    text,
    json: undefined,
  };
  if (/html/i.test(contentType) || /^\s*</.test(text)) {
    throw new PreflightError(
      answer.url,
      `answers HTML instead of JSON (${response.statusCode}, ${contentType || 'no content-type'}) — is baseUrl the API rather than a web page or proxy?`,
    );
  }
  if (text.trim() !== '') {
    try {
      answer.json = JSON.parse(text);
    } catch {
      throw new PreflightError(
        answer.url,
        `answers ${response.statusCode} with a body that is not JSON (${contentType || 'no content-type'}) — is baseUrl the facilioo API?`,
      );
    }
  }
  if (response.statusCode === 404 || response.statusCode === 405) {
    throw new PreflightError(
      answer.url,
      `answers ${response.statusCode}: no such auth route — check baseUrl and the target file's paths`,
    );
  }
  if (response.statusCode >= 500) {
    throw new PreflightError(
      answer.url,
      `answers ${response.statusCode}: the target is failing, not the suite`,
    );
  }
  return answer;
}

function requireLogin(login: Answer, slot: AccountSlot): void {
  if (login.status === 400 || login.status === 401 || login.status === 403) {
    throw new PreflightError(
      login.url,
      `login refused (${login.status}) for accounts.${slot} — check the password variables the target file names`,
    );
  }
  if (login.status === 429 || login.status === 503) {
    throw new PreflightError(login.url, `login rate-limited (${login.status}) — wait for the window to pass`);
  }
  // An accepted login is a 2xx with a JSON object. Its fields are the contracts' business: a
  // deployment that renames accessToken is the API with a defect, and must fail a named check.
  const body = login.json;
  if (
    login.status < 200 ||
    login.status > 299 ||
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body)
  ) {
    throw new PreflightError(
      login.url,
      `login answered ${describeAnswer(login)}, not an accepted login — is baseUrl the facilioo API?`,
    );
  }
}

function describeAnswer(answer: Answer): string {
  return `${answer.status}${answer.json === undefined ? ' (empty body)' : ' JSON'}`;
}

const TLS_CODES =
  /^(ERR_TLS|ERR_SSL|EPROTO|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_OSSL|HOSTNAME_MISMATCH)/;

/** The network cause, in words a person acts on. */
export function transportCause(error: unknown, timeoutMs: number): string {
  const code = errorCode(error);
  const seconds = Math.round(timeoutMs / 100) / 10;
  if (code === 'ECONNREFUSED')
    return 'connection refused — is the target running, and is baseUrl its address and port?';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found — check baseUrl';
  if (code && TLS_CODES.test(code))
    return `TLS failed (${code}) — http vs https, or a certificate this machine does not trust`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was reset before an answer';
  if (
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_ABORTED' ||
    code === 'ABORT_ERR' ||
    (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
  ) {
    return `no answer within ${seconds} s (requestTimeoutSeconds)`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return redactText(`no answer: ${code ? `${code} ` : ''}${message}`);
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED' && code !== 'ABORT_ERR') return code;
    if (typeof code === 'string' && !(e as { cause?: unknown }).cause) return code;
  }
  return undefined;
}
