/**
 * The one redaction mechanism. Every log line, error, trace and report passes secrets through
 * here, so a password, token or recovery code can only leak if it reaches output some other
 * way. Three layers, because each catches what the others miss:
 *
 * - by key: values under sensitive keys (`password`, `refresh_token`, `Set-Cookie`, ...) in
 *   structured data and in JSON-looking text;
 * - by shape: JWT-shaped strings (even truncated ones) and `Bearer <credential>`;
 * - by value: every secret registered with `registerSecret` (target passwords, issued tokens,
 *   recovery codes). Six-digit codes look like any other number, so only this layer can find
 *   them in free text.
 */

export const REDACTED = '[REDACTED]';
/** Mask for JWTs: keeps the (public, constant) `eyJ` that says "this was a JWT", nothing else. */
export const REDACTED_JWT = 'eyJ…[REDACTED]';

const SENSITIVE_KEYS = new Set([
  'password',
  'newpassword',
  'accesstoken',
  'refreshtoken',
  'token',
  'recoverycode',
  'code',
  'twofactorcode',
  'authorization',
  'proxyauthorization',
  'secret',
  'apikey',
  'cookie',
  'setcookie',
]);
/** Suffixes that make any key sensitive (`oldPassword`, `id_token`, `client-secret`, `x-api-key`). */
const SENSITIVE_SUFFIXES = ['password', 'token', 'secret', 'apikey'];

/** Case-, snake- and kebab-insensitive: `refresh_token`, `Refresh-Token` and `refreshToken` match. */
export function isSensitiveKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_\s.]/g, '');
  return SENSITIVE_KEYS.has(normalized) || SENSITIVE_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

// ---------------------------------------------------------------------------------------------
// Registered secrets

/** Shorter values would mask ordinary words and numbers all over the output. */
export const MIN_SECRET_LENGTH = 4;
/** Beyond this many, the oldest registered values are dropped (long-running drivers, rotated tokens). */
const MAX_SECRETS = 5_000;
/** A whole JWT: the shape rule masks it wherever it appears, so it need not be registered. */
const WHOLE_JWT = /^eyJ[A-Za-z0-9_-]{9,}(?:\.[A-Za-z0-9_-]*){0,4}$/;

const secrets = new Set<string>();

/**
 * Registers a value to be masked wherever it appears in text, process-wide, including its
 * JSON-escaped and URL-encoded spellings. Values shorter than MIN_SECRET_LENGTH are ignored, and
 * so are JWTs, which the shape rule already masks: a load run that rotates thousands of tokens
 * must not slow every redaction down.
 */
export function registerSecret(value: string | number | undefined | null): void {
  if (value === undefined || value === null) return;
  const text = String(value);
  if (text.length < MIN_SECRET_LENGTH || WHOLE_JWT.test(text)) return;
  for (const spelling of [text, JSON.stringify(text).slice(1, -1), encodeURIComponent(text)]) {
    // Re-inserting moves a value to the young end, so the eviction below drops the least recent.
    secrets.delete(spelling);
    secrets.add(spelling);
  }
  while (secrets.size > MAX_SECRETS) {
    const oldest = secrets.values().next().value as string;
    secrets.delete(oldest);
  }
}

/**
 * Registers what a JSON-like value (a request or response body) carries under sensitive keys,
 * at any depth: every string below such a key — so `refreshToken: { value }` counts, as
 * redactValue masks it — and numbers only directly under one (`recoveryCode: 123456`), so an
 * `expiresIn: 3600` beside a nested token does not mask every 3600 in the output.
 */
export function registerSecretsIn(value: unknown): void {
  const visit = (node: unknown, key: string, under: boolean, seen: Set<object>): void => {
    const sensitive = under || isSensitiveKey(key);
    if (typeof node === 'string' && sensitive) registerSecret(node);
    else if (typeof node === 'number' && isSensitiveKey(key)) registerSecret(node);
    else if (node !== null && typeof node === 'object' && !seen.has(node)) {
      seen.add(node);
      for (const [name, item] of Object.entries(node)) visit(item, name, sensitive, seen);
    }
  };
  visit(value, '', false, new Set());
}

/** For tests that need a clean slate; production code never unregisters. */
export function clearRegisteredSecrets(): void {
  secrets.clear();
}

/**
 * Masks every occurrence of every registered secret. Ranges are collected first and merged, so
 * overlapping secrets (one containing or overlapping another) are masked whole whatever the order.
 */
function maskRegistered(text: string): string {
  if (secrets.size === 0) return text;
  const ranges: [number, number][] = [];
  for (const secret of secrets) {
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
      ranges.push([at, at + secret.length]);
    }
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let cursor = 0;
  let [start, end] = ranges[0]!;
  for (const [nextStart, nextEnd] of ranges.slice(1)) {
    if (nextStart <= end) {
      end = Math.max(end, nextEnd);
      continue;
    }
    out += text.slice(cursor, start) + REDACTED;
    cursor = end;
    [start, end] = [nextStart, nextEnd];
  }
  return out + text.slice(cursor, start) + REDACTED + text.slice(end);
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * `Bearer <credential>` and `Basic <credential>`: the credential is masked, the scheme kept.
 * Only credential-looking words count (a digit or symbol, or 20+ characters), so prose such as
 * "basic checks" and challenges such as `Bearer error="invalid_token"` stay readable.
 */
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)([A-Za-z0-9\-._~+/]{4,}=*)/gi;
const looksLikeCredential = (word: string) => word.length >= 20 || /[^A-Za-z]/.test(word);
/** `Authorization: ...`, `Cookie: ...` lines in logs and dumps (JSON pairs are JSON_PAIR's). */
const HEADER_LINE =
  /\b(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key)(\s*:\s*)([^\s"][^\r\n"]*)/gi;
/**
 * Base64url JSON objects start with `eyJ` (`{"`). Any such run of 12+ characters is masked with
 * whatever segments follow it, so a JWT cut off mid-payload (a truncated log line) is caught too.
 */
const JWT_LIKE = /\beyJ[A-Za-z0-9_-]{9,}(?:\.[A-Za-z0-9_-]*){0,4}/g;
/** Three long base64url segments without the `eyJ` prefix (a JWT with an odd header). */
const THREE_SEGMENTS = /\b[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g;
/**
 * `"key": "value"` and `"key": 123` pairs in JSON-looking text, with escaped quotes, cut-off
 * strings, and the bare values of broken JSON (`"accessToken": abc`).
 */
const JSON_PAIR =
  /(["'])([A-Za-z0-9_.-]+)\1(\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|'(?:[^'\\]|\\.)*(?:'|$)|[^\s,}\]][^,}\]\n]*)/g;
/** `key=value` in query strings, form bodies and log lines. */
const KEY_EQUALS = /\b([A-Za-z][A-Za-z0-9_-]*)=([^&\s"',;]+)/g;

/** Masks every secret this module can recognise in free text. */
export function redactText(text: string): string {
  let out = maskRegistered(text);
  out = out.replace(HEADER_LINE, (_match, name: string, colon: string, value: string) => {
    const scheme = /authorization$/i.test(name) ? /^([A-Za-z][\w-]*)\s+\S/.exec(value)?.[1] : undefined;
    return `${name}${colon}${scheme ? `${scheme} ` : ''}${REDACTED}`;
  });
  out = out.replace(
    AUTH_SCHEME,
    (match, scheme: string, space: string, credential: string, offset: number, whole: string) => {
      const bare = credential.replace(/=+$/, '');
      // `Bearer error="invalid_token"` is a challenge's auth-param, not a credential.
      const authParam =
        credential.endsWith('=') && whole[offset + match.length] === '"' && /^[A-Za-z_]+$/.test(bare);
      // Basic credentials are base64 (length a multiple of 4), which may well be letters only.
      const basic = scheme.toLowerCase() === 'basic' && credential.length >= 8 && credential.length % 4 === 0;
      return !authParam && (basic || looksLikeCredential(bare)) ? `${scheme}${space}${REDACTED}` : match;
    },
  );

  out = out.replace(JWT_LIKE, REDACTED_JWT);
  out = out.replace(THREE_SEGMENTS, REDACTED_JWT);
  out = out.replace(JSON_PAIR, (match, quote: string, key: string, colon: string, value: string) => {
    if (!isSensitiveKey(key)) return match;
    const valueQuote = value.startsWith("'") ? "'" : '"';
    return `${quote}${key}${quote}${colon}${valueQuote}${REDACTED}${valueQuote}`;
  });
  out = out.replace(KEY_EQUALS, (match, key: string) => (isSensitiveKey(key) ? `${key}=${REDACTED}` : match));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values

function maskLeaf(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith('eyJ') ? REDACTED_JWT : REDACTED;
  if (typeof value === 'number' || typeof value === 'bigint') return REDACTED;
  // null, booleans and undefined carry no secret and say something about the shape.
  return value;
}

/** Everything under a sensitive key is masked, but objects keep their keys, so shapes stay visible. */
function maskAll(value: unknown, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return maskLeaf(value);
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => maskAll(item, seen));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = maskAll(item, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

function redactInner(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return `[binary ${value.byteLength} bytes]`;
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactInner(item, seen));
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const name = String(key);
      out[name] = isSensitiveKey(name) ? maskAll(item, seen) : redactInner(item, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/**
 * A deep, JSON-safe copy with sensitive keys masked and every string passed through redactText.
 * Never mutates its input.
 */
export function redactValue<T>(value: T): unknown {
  return redactInner(value, new WeakSet());
}

// ---------------------------------------------------------------------------------------------
// Headers

export type HeadersLike =
  | Headers
  | Iterable<readonly [string, string]>
  | Record<string, string | string[] | number | undefined | null>;

function maskHeader(name: string, value: string): string {
  if (name === 'authorization' || name === 'proxy-authorization') {
    const scheme = /authorization$/i.test(name) ? /^([A-Za-z][\w-]*)\s+\S/.exec(value)?.[1] : undefined;
    return scheme ? `${scheme} ${REDACTED}` : REDACTED;
  }
  if (name === 'set-cookie') {
    // Cookie attributes (HttpOnly, Secure, SameSite) matter to security checks; the value does not.
    const [pair = '', ...attributes] = value.split(';');
    const cookieName = pair.includes('=') ? pair.slice(0, pair.indexOf('=')).trim() : '';
    return [`${cookieName}=${REDACTED}`, ...attributes.map((attribute) => redactText(attribute))].join(';');
  }
  return REDACTED;
}

/** A plain object with lower-cased names, sensitive headers masked, the rest through redactText. */
export function redactHeaders(headers: HeadersLike | undefined | null): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!headers) return out;
  const entries: Iterable<readonly [string, unknown]> =
    headers instanceof Headers || Symbol.iterator in headers
      ? (headers as Iterable<readonly [string, string]>)
      : Object.entries(headers);
  for (const [rawName, rawValue] of entries) {
    if (rawValue === undefined || rawValue === null) continue;
    const name = rawName.toLowerCase();
    const mask = (value: string) => (isSensitiveKey(name) ? maskHeader(name, value) : redactText(value));
    out[name] = Array.isArray(rawValue)
      ? rawValue.map((value) => mask(String(value)))
      : mask(String(rawValue));
  }
  return out;
}
