/**
 * Decoding a compact JWS by hand rather than with jose's decodeJwt: facilioo's `sub` is an object
 * (jose 6.2 passes it through, but types it `string` and would compare it with `!==` if asked to
 * check a subject), and a hand decoder can say which of the three parts is broken. Messages name
 * the part, never its content — the token is a secret.
 */
import { TokenCheckError } from './errors.ts';

export interface DecodedToken {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function decodeToken(token: string): DecodedToken {
  const parts = token.split('.');
  if (parts.length === 5) {
    throw malformed(
      'it has 5 parts: an encrypted token (JWE), which cannot be inspected without the private key',
    );
  }
  if (parts.length !== 3) {
    throw malformed(
      `it has ${parts.length} part(s); a JWT has 3 (header.payload.signature) separated by dots`,
    );
  }
  const [header, payload, signature] = parts as [string, string, string];
  if (!BASE64URL.test(signature)) throw malformed('the signature (part 3) is not base64url');
  return {
    header: decodeJsonObject(header, 'header (part 1)'),
    claims: decodeJsonObject(payload, 'payload (part 2)'),
  };
}

function decodeJsonObject(part: string, name: string): Record<string, unknown> {
  if (part === '') throw malformed(`the ${name} is empty`);
  // Length 4k+1 cannot come out of base64url encoding; Buffer would silently drop the extra char.
  if (!BASE64URL.test(part) || part.length % 4 === 1) throw malformed(`the ${name} is not base64url`);
  const text = Buffer.from(part, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed(`the ${name} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformed(`the ${name} is JSON but not an object`);
  }
  return value as Record<string, unknown>;
}

function malformed(detail: string): TokenCheckError {
  return new TokenCheckError('malformed', `malformed token: ${detail}`);
}
