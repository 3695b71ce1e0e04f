/**
 * Pieces several checks share: where the security rules come from, and calls that hand the
 * server a token exactly as given (no refresh on 401), because that is what an attacker does.
 */
import type { ApiResponse } from '../../client/index.ts';
import type { CheckContext } from '../context.ts';

/** Sections cited by security checks, spelled once so reports stay consistent. */
export const REF = {
  refreshRotation: 'RFC 9700 §4.14.2',
  algorithmVerification: 'RFC 8725 §3.1',
  validateCrypto: 'RFC 8725 §3.3',
  explicitTyping: 'RFC 8725 §3.11',
  exclusiveValidation: 'RFC 8725 §3.12',
  statelessTokens: 'OWASP ASVS 4.0.3 V3.5.3',
  terminateSessions: 'OWASP ASVS 4.0.3 V3.3.3',
  antiAutomation: 'OWASP ASVS 4.0.3 V2.2.1',
  errorMessages: 'OWASP ASVS 4.0.3 V7.4.1',
  brokenAuthentication: 'OWASP API Security Top 10 2023 API2',
  objectAuthorization: 'OWASP API Security Top 10 2023 API1',
  resourceConsumption: 'OWASP API Security Top 10 2023 API4',
  forgotPassword: 'OWASP Forgot Password Cheat Sheet',
  accountEnumeration: 'OWASP WSTG-IDNT-04',
  shortLifetime: 'RFC 6819 §5.1.5.3',
  problemDetails: 'RFC 9457 §3',
  retryAfter: 'RFC 6585 §4',
} as const;

/** GET the protected path with `token` as the bearer credential (none: no Authorization header). */
export function getProtectedWith(ctx: CheckContext, token: string | undefined): Promise<ApiResponse> {
  const { client } = ctx.client();
  return client.request(
    'GET',
    ctx.target.protectedPath,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );
}

/** Refresh with `token` exactly as given, from a client that holds nothing else. */
export function refreshWith(ctx: CheckContext, token: string): Promise<unknown> {
  return ctx.client().client.refresh(token);
}

export const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export function parts(token: string): { header: string; payload: string; signature: string } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return { header, payload, signature };
}

export function decodePart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export const encodePart = (value: unknown) => base64url(JSON.stringify(value));
