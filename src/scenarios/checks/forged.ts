/**
 * Forged tokens are refused, on the protected endpoint and on refresh: an unsigned token, one
 * HMAC-signed with the published public key, a genuine token with its payload changed, a token
 * of the other kind, and garbage. Each is built from a real token, so the only thing wrong with
 * it is the forgery under test (RFC 8725 §3.1, §3.3, §3.12; OWASP ASVS V3.5.3).
 */
import { createHmac, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CheckContext } from '../context.ts';
import { defineCheck } from '../registry.ts';
import { decodePart, encodePart, getProtectedWith, parts, REF, refreshWith } from './common.ts';

/** The token on both endpoints: each variant must get 401 on the protected path, a 4xx on refresh. */
async function refuseEverywhere(
  ctx: CheckContext,
  what: string,
  forge: (token: string) => string[],
  tokens: { access: string; refresh: string },
): Promise<void> {
  const access = forge(tokens.access);
  for (const [i, token] of access.entries()) {
    await ctx.expect.refused(
      `the protected endpoint with ${what} (variant ${i + 1})`,
      getProtectedWith(ctx, token),
      [401],
    );
  }
  let refresh: string[];
  try {
    refresh = forge(tokens.refresh);
  } catch {
    ctx.trace(`the refresh token is not a JWT, so ${what} applies to access tokens only`);
    return;
  }
  for (const [i, token] of refresh.entries()) {
    await ctx.expect.refused(`refresh with ${what} (variant ${i + 1})`, refreshWith(ctx, token));
  }
}

function withHeader(token: string, header: Record<string, unknown>, signature: string): string {
  return `${encodePart(header)}.${parts(token).payload}.${signature}`;
}

function hs256(signingInput: string, secret: string | Buffer): string {
  return createHmac('sha256', secret).update(signingInput).digest('base64url');
}

/** The public key as an attacker would use it for an HMAC secret: the file as published, and its usual re-encodings. */
async function publicKeySecrets(files: readonly string[]): Promise<(string | Buffer)[]> {
  const secrets = new Set<string>();
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    secrets.add(text);
    secrets.add(text.trim());
    for (const block of text.match(/-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g) ?? []) {
      const key = createPublicKey(block);
      secrets.add(key.export({ type: 'pkcs1', format: 'pem' }).toString());
      secrets.add(key.export({ type: 'spki', format: 'pem' }).toString());
    }
  }
  return [...secrets];
}

export const forgedChecks = [
  defineCheck({
    id: 'forged.alg-none-refused',
    rule: 'An unsigned token (alg "none") is refused on the protected endpoint and on refresh',
    kind: 'security',
    enforces: 'forged-refused',
    catches: ['alg-none-accepted', 'refresh-alg-none-accepted'],
    severity: 'critical',
    references: [REF.algorithmVerification, REF.statelessTokens],
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      await refuseEverywhere(
        ctx,
        'an alg "none" token',
        (token) => {
          decodePart(parts(token).header);
          return [
            withHeader(token, { alg: 'none', typ: 'JWT' }, ''),
            withHeader(token, { alg: 'None', typ: 'JWT' }, ''),
            withHeader(token, { alg: 'none', typ: 'JWT' }, parts(token).signature),
          ];
        },
        { access: session.tokens.accessToken, refresh: session.tokens.refreshToken },
      );
    },
  }),

  defineCheck({
    id: 'forged.hs256-with-public-key-refused',
    rule: 'A token HMAC-signed (HS256) with the published RSA public key is refused on the protected endpoint and on refresh',
    kind: 'security',
    enforces: 'forged-refused',
    catches: ['hs256-public-key-accepted'],
    severity: 'critical',
    references: [REF.algorithmVerification, REF.statelessTokens],
    needs: ['account:user', 'publicKeys'],
    async run(ctx) {
      const session = await ctx.login('user');
      const secrets = await publicKeySecrets(ctx.target.jwt.publicKeys);
      await refuseEverywhere(
        ctx,
        'an HS256 token keyed with the public key',
        (token) => {
          decodePart(parts(token).header);
          const header = encodePart({ alg: 'HS256', typ: 'JWT' });
          const input = `${header}.${parts(token).payload}`;
          return secrets.map((secret) => `${input}.${hs256(input, secret)}`);
        },
        { access: session.tokens.accessToken, refresh: session.tokens.refreshToken },
      );
    },
  }),

  defineCheck({
    id: 'forged.tampered-payload-refused',
    rule: 'A genuine token whose payload was changed (later exp, another account) is refused on the protected endpoint and on refresh',
    kind: 'security',
    enforces: 'forged-refused',
    catches: ['signature-not-verified', 'refresh-signature-not-verified'],
    severity: 'critical',
    references: [REF.validateCrypto, REF.statelessTokens],
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      await refuseEverywhere(
        ctx,
        'a tampered token',
        (token) => {
          const { header, payload, signature } = parts(token);
          const claims = decodePart(payload);
          const later = {
            ...claims,
            exp: typeof claims.exp === 'number' ? claims.exp + 86_400 : 4_102_444_800,
          };
          const sub = claims.sub as { accountId?: unknown } | undefined;
          const other =
            sub && typeof sub === 'object' && typeof sub.accountId === 'number'
              ? { ...claims, sub: { ...sub, accountId: sub.accountId + 1 } }
              : { ...claims, sub: 'someone-else' };
          return [later, other].map((changed) => `${header}.${encodePart(changed)}.${signature}`);
        },
        { access: session.tokens.accessToken, refresh: session.tokens.refreshToken },
      );
    },
  }),

  defineCheck({
    id: 'forged.refresh-token-as-access-refused',
    rule: 'A refresh token is refused as the bearer credential of the protected endpoint',
    kind: 'security',
    enforces: 'token-typing',
    catches: ['refresh-token-as-access'],
    severity: 'high',
    references: [REF.explicitTyping, REF.exclusiveValidation],
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      await ctx.expect.refused(
        'the protected endpoint with a refresh token as the bearer',
        getProtectedWith(ctx, session.tokens.refreshToken),
        [401],
      );
    },
  }),

  defineCheck({
    id: 'forged.access-token-as-refresh-refused',
    rule: 'An access token is refused by the refresh endpoint',
    kind: 'security',
    enforces: 'token-typing',
    catches: ['access-token-as-refresh'],
    severity: 'high',
    references: [REF.explicitTyping, REF.exclusiveValidation],
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      await ctx.expect.refused('refresh with an access token', refreshWith(ctx, session.tokens.accessToken));
    },
  }),

  defineCheck({
    id: 'forged.garbage-refused',
    rule: 'Garbage, truncated and missing credentials get 401 on the protected endpoint and a 4xx (never a 5xx) on refresh',
    kind: 'security',
    enforces: 'forged-refused',
    catches: ['signature-not-verified', 'malformed-token-500'],
    pacts: ['refresh: a refresh with a token the API never issued'],
    severity: 'medium',
    references: [REF.statelessTokens, REF.brokenAuthentication],
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      const real = session.tokens.accessToken;
      // Every credential sent to refresh becomes a registered secret, masked in all output; none may be an ordinary word.
      const garbage = [
        'Xq7-not-a-jwt',
        'aaaa.bbbb.cccc',
        `${real.slice(0, real.lastIndexOf('.'))}.`,
        real.slice(0, Math.floor(real.length / 2)),
        `${real}.${real}`,
        'x'.repeat(4096),
      ];
      await ctx.expect.refused(
        'the protected endpoint without any Authorization header',
        getProtectedWith(ctx, undefined),
        [401],
      );
      for (const [i, token] of garbage.entries()) {
        await ctx.expect.refused(
          `the protected endpoint with junk credential #${i + 1}`,
          getProtectedWith(ctx, token),
          [401],
        );
        await ctx.expect.refused(`refresh with junk credential #${i + 1}`, refreshWith(ctx, token));
      }
    },
  }),
];
