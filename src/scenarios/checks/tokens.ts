/**
 * The access token is what the document shows: a JWT whose claims follow the example's layout
 * (`sub` an object), valid now, issued by and for this target, signed by one of its published
 * keys. Beyond the document, it should be short-lived.
 */
import { checkSignature, claimsFollowLayout, decodeToken, isoFromNumericDate } from '../../jwt/index.ts';
import type { CheckContext } from '../context.ts';
import { ensure, fail } from '../expect.ts';
import { defineCheck } from '../registry.ts';
import { REF } from './common.ts';

/** The document's example lives exactly this long. */
const DOCUMENTED_LIFETIME_SECONDS = 3600;
/** How far our clock may be from the target's when it offers no clock of its own. */
const CLOCK_TOLERANCE_SECONDS = 5;

async function accessClaims(ctx: CheckContext): Promise<Record<string, unknown>> {
  const session = await ctx.login('user');
  try {
    return decodeToken(session.tokens.accessToken).claims;
  } catch (error) {
    return fail(`the access token is not a decodable JWT: ${(error as Error).message}`);
  }
}

export const tokenChecks = [
  defineCheck({
    id: 'tokens.claims-follow-layout',
    rule: 'The access token is a JWT whose claims follow the documented layout (nbf, exp, iss, aud, sub {accountId, companyId})',
    kind: 'behaviour',
    enforces: 'token-layout',
    catches: [
      'access-token-renamed',
      'access-token-missing',
      'access-token-not-jwt',
      'sub-as-string',
      'sub-ids-as-strings',
      'exp-missing',
    ],
    pacts: ['login: a login with the right password that skips multi-factor authentication'],
    needs: ['account:user'],
    async run(ctx) {
      const problems = claimsFollowLayout(await accessClaims(ctx));
      ensure(
        problems.length === 0,
        `the access token's claims depart from the layout: ${problems.join('; ')}`,
      );
    },
  }),

  defineCheck({
    id: 'tokens.refreshed-claims-follow-layout',
    rule: 'The access token a refresh answers follows the same layout and names the same sub as the login one',
    kind: 'behaviour',
    enforces: 'token-layout',
    catches: ['refresh-sub-as-string'],
    needs: ['account:user'],
    async run(ctx) {
      const session = await ctx.login('user');
      const next = await ctx.expect.ok('refreshing with the login refresh token', session.client.refresh());
      let claims: Record<string, unknown>;
      try {
        claims = decodeToken(next.accessToken).claims;
      } catch (error) {
        return fail(`the refreshed access token is not a decodable JWT: ${(error as Error).message}`);
      }
      const problems = claimsFollowLayout(claims);
      ensure(
        problems.length === 0,
        `the refreshed access token's claims depart from the layout: ${problems.join('; ')}`,
      );
      const before = JSON.stringify(decodeToken(session.tokens.accessToken).claims.sub);
      ensure(
        JSON.stringify(claims.sub) === before,
        `the refreshed access token names sub ${JSON.stringify(claims.sub)}, the login one ${before}`,
      );
    },
  }),

  defineCheck({
    id: 'tokens.valid-now',
    rule: 'A fresh access token is valid now: nbf ≤ now < exp',
    kind: 'behaviour',
    enforces: 'token-layout',
    catches: ['nbf-in-future', 'exp-missing'],
    needs: ['account:user'],
    async run(ctx) {
      const claims = await accessClaims(ctx);
      const now = (await ctx.serverNow()) / 1000;
      const tolerance = ctx.control ? 0 : CLOCK_TOLERANCE_SECONDS;
      const { nbf, exp } = claims;
      ensure(typeof nbf === 'number' && typeof exp === 'number', 'the access token lacks numeric nbf/exp');
      const at = isoFromNumericDate(now);
      const clock = ctx.control ? 'server clock' : `our clock, ±${tolerance} s`;
      ensure(nbf <= now + tolerance, `nbf ${isoFromNumericDate(nbf)} is after now (${at}, ${clock})`);
      ensure(now - tolerance < exp, `exp ${isoFromNumericDate(exp)} is not after now (${at}, ${clock})`);
    },
  }),

  defineCheck({
    id: 'tokens.issuer-matches-target',
    rule: "The access token's iss is the target's issuer",
    kind: 'behaviour',
    enforces: 'token-layout',
    catches: ['wrong-issuer'],
    needs: ['account:user', 'jwt.issuer'],
    async run(ctx) {
      const { iss } = await accessClaims(ctx);
      ensure(
        iss === ctx.target.jwt.issuer,
        `iss is ${JSON.stringify(iss)}, the target file says jwt.issuer "${ctx.target.jwt.issuer}"`,
      );
    },
  }),

  defineCheck({
    id: 'tokens.audience-matches-target',
    rule: "The access token's aud is the target's audience",
    kind: 'behaviour',
    enforces: 'token-layout',
    catches: ['wrong-audience'],
    needs: ['account:user', 'jwt.audience'],
    async run(ctx) {
      const { aud } = await accessClaims(ctx);
      ensure(
        aud === ctx.target.jwt.audience,
        `aud is ${JSON.stringify(aud)}, the target file says jwt.audience "${ctx.target.jwt.audience}"`,
      );
    },
  }),

  defineCheck({
    id: 'tokens.signature-verifies',
    rule: "The access token's signature verifies against one of the target's public keys",
    kind: 'behaviour',
    enforces: 'token-layout',
    needs: ['account:user', 'publicKeys'],
    async run(ctx) {
      const session = await ctx.login('user');
      const keys = await ctx.keys();
      const signature = await checkSignature(session.tokens.accessToken, keys);
      ensure(
        signature.verifiedBy !== null,
        `no key in jwt.publicKeys (${keys.map((key) => key.label).join(', ')}) verifies the access token: ${signature.reason ?? 'no reason given'}`,
      );
    },
  }),

  defineCheck({
    id: 'tokens.lifetime-bounded',
    rule: `Access tokens live at most ${DOCUMENTED_LIFETIME_SECONDS} s, as the documented example does`,
    kind: 'security',
    enforces: 'token-lifetime',
    catches: ['access-token-long-lived'],
    severity: 'low',
    references: [REF.shortLifetime],
    needs: ['account:user'],
    async run(ctx) {
      const { nbf, exp } = await accessClaims(ctx);
      ensure(typeof nbf === 'number' && typeof exp === 'number', 'the access token lacks numeric nbf/exp');
      ensure(
        exp - nbf <= DOCUMENTED_LIFETIME_SECONDS,
        `access tokens live ${exp - nbf} s; a stolen one stays usable that long`,
      );
    },
  }),
];
