/**
 * The shapes the contracts pin, in one place, each with the sentence a verification failure
 * shows instead of the raw regex. Pact regexes must match the whole value.
 */

/** Three base64url segments: any JWT, e.g. the refresh token. */
export const JWT = '[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+';

/**
 * The base64url spellings of `text` at each of the three byte alignments it can have inside a
 * longer base64url string; any one of them occurs in the encoding iff `text` occurs in the plain
 * text (characters that mix in neighbouring bytes are left out).
 */
export function base64urlInfixes(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64url');
    return encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
  });
}

/**
 * An access token: a JWT whose payload has `"sub":{` — the document's example carries `sub` as
 * a JSON object, and a contract on the token's shape is the only place a consumer can pin that.
 * Compact JSON is assumed (no space after the colon), as every JWT library writes it.
 */
export const ACCESS_TOKEN_JWT = `[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*(?:${base64urlInfixes('"sub":{').join('|')})[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+`;

/** JSON, problem details or plain, with any parameters (`; charset=utf-8`). */
export const JSON_CONTENT_TYPE = '(?i)application/(problem\\+)?json\\s*(;.*)?';

/** RFC 6750 §3: a 401 names the Bearer scheme; the scheme is case-insensitive. */
export const BEARER_CHALLENGE = '(?i)bearer(\\s.*)?';

/** What each pattern means, for verification messages. */
export const PATTERN_MEANINGS: ReadonlyMap<string, string> = new Map([
  [JWT, 'a JWT (three base64url segments)'],
  [ACCESS_TOKEN_JWT, 'a JWT whose payload carries "sub" as a JSON object'],
  [JSON_CONTENT_TYPE, 'a JSON media type (application/json or application/problem+json)'],
  [BEARER_CHALLENGE, 'a Bearer challenge'],
]);
