/**
 * Access and refresh tokens. Both are RS256 JWTs; the access payload is exactly the documented
 * `{ nbf, exp, iss, aud, sub: { accountId, companyId } }`. Refresh tokens add `jti` and
 * `token_use: "refresh"`, and their `jti` is tracked server-side so each works once, rotates,
 * and reuse of a spent one revokes its whole family (RFC 9700 §4.14.2).
 *
 * Verification uses jose's `compactVerify` and checks the claims here, because `sub` is an
 * object, which RFC 7519 does not allow and strict JWT validators reject.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { CompactSign, compactVerify } from 'jose';
import type { AccountRecord, AccountStore } from './accounts.ts';
import type { Clock } from './clock.ts';
import type { DefectSet } from './defects.ts';
import type { KeyRing } from './keys.ts';
import { accessClaimDefects, accessLifetime, jtiOf, subjectClaim } from './token-defects.ts';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  /** Allowed clock skew when checking nbf and exp. */
  leewaySeconds: number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export type TokenCheck = { ok: true; account: AccountRecord } | { ok: false; reason: string };

/** The audience the `wrong-audience` defect issues tokens for. */
export const WRONG_AUDIENCE = 'another-app.facilioo.test';
/** The issuer the `wrong-issuer` defect issues tokens as. */
export const WRONG_ISSUER = 'another-api.facilioo.test';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface RefreshEntry {
  family: string;
  accountId: number;
  state: 'active' | 'spent';
  spentAt?: number;
}

interface Family {
  accountId: number;
  revoked: boolean;
  /** The login's access token: only the `refresh-access-token-stale` defect hands it out again. */
  loginAccessToken?: string;
}

interface Claims {
  nbf?: unknown;
  exp?: unknown;
  iss?: unknown;
  aud?: unknown;
  sub?: unknown;
  jti?: unknown;
  token_use?: unknown;
}

export class TokenService {
  readonly #refreshTokens = new Map<string, RefreshEntry>();
  readonly #families = new Map<string, Family>();
  readonly #familiesByAccount = new Map<number, Set<string>>();
  /** Only filled under the `access-token-not-jwt` defect, which hands out opaque tokens. */
  readonly #opaqueTokens = new Map<string, { accountId: number; exp: number }>();
  /** Accounts whose future families start revoked: the `password-change-revokes-later-sessions` defect. */
  readonly #revokeLater = new Set<number>();

  constructor(
    readonly keys: KeyRing,
    readonly clock: Clock,
    readonly defects: DefectSet,
    readonly accounts: () => AccountStore,
    readonly settings: TokenSettings,
  ) {}

  reset(): void {
    this.#refreshTokens.clear();
    this.#families.clear();
    this.#familiesByAccount.clear();
    this.#opaqueTokens.clear();
    this.#revokeLater.clear();
  }

  /** A new pair; with no family given, the pair starts a new one (a login). */
  async issuePair(
    account: AccountRecord,
    family: string = this.#newFamily(account.id),
    viaRefresh = false,
  ): Promise<TokenPair> {
    const nbf = Math.floor(this.clock.now() / 1000);
    const base = {
      nbf,
      exp: nbf + accessLifetime(this.defects, this.settings.accessTokenSeconds),
      iss: this.defects.has('wrong-issuer') ? WRONG_ISSUER : this.settings.issuer,
      aud: this.defects.has('wrong-audience') ? WRONG_AUDIENCE : this.settings.audience,
      sub: subjectClaim(this.defects, account, viaRefresh),
    };
    const access = accessClaimDefects(this.defects, base);
    const jti = randomUUID();
    const refreshClaims = {
      ...base,
      exp: nbf + this.settings.refreshTokenSeconds,
      jti,
      token_use: 'refresh',
    };
    // Both signatures run on libuv's pool at once.
    const [accessToken, refreshToken] = await Promise.all([
      this.defects.has('access-token-not-jwt') ? this.#opaque(account.id, base.exp) : this.#sign(access),
      this.#sign(refreshClaims),
    ]);
    this.#refreshTokens.set(jti, { family, accountId: account.id, state: 'active' });
    const record = this.#families.get(family);
    if (record && !viaRefresh) record.loginAccessToken ??= accessToken;
    return { accessToken, refreshToken };
  }

  /** The account an access token speaks for, or why it is refused. */
  async checkAccessToken(token: string): Promise<TokenCheck> {
    const opaque = this.#opaqueTokens.get(token);
    if (opaque) {
      const account = this.accounts().byId(opaque.accountId);
      if (!account) return { ok: false, reason: 'the token names no account' };
      if (opaque.exp <= this.clock.now() / 1000 && !this.defects.has('expired-token-accepted')) {
        return { ok: false, reason: 'the token has expired' };
      }
      return { ok: true, account };
    }
    const decoded = await this.#verify(token, 'access');
    if (!decoded.ok) return decoded;
    const { claims } = decoded;
    if (claims.token_use !== undefined && !this.defects.has('refresh-token-as-access')) {
      return { ok: false, reason: 'a refresh token is not an access token' };
    }
    if (
      this.defects.has('access-token-expires-early') &&
      typeof claims.exp === 'number' &&
      this.clock.now() / 1000 >= claims.exp - 300
    ) {
      return { ok: false, reason: 'the token has expired' };
    }
    return this.#claimsAccount(claims, {
      ignoreExpiry: this.defects.has('expired-token-accepted'),
      extraLeewaySeconds: this.defects.has('expired-token-grace-hour') ? 3600 : 0,
    });
  }

  /**
   * Spends a refresh token and issues the next pair of its family. The state check and the
   * marking below run with no await between them, so concurrent refreshes with one token cannot
   * both pass.
   */
  async refresh(token: string): Promise<{ ok: true; pair: TokenPair } | { ok: false; reason: string }> {
    const decoded = await this.#verify(token, 'refresh');
    if (!decoded.ok) return decoded;
    const { claims } = decoded;
    const owner = this.#claimsAccount(claims, {
      ignoreExpiry: this.defects.has('refresh-token-never-expires'),
    });
    if (!owner.ok) return owner;
    if (claims.token_use !== 'refresh') {
      if (!this.defects.has('access-token-as-refresh')) {
        return { ok: false, reason: 'an access token is not a refresh token' };
      }
      return { ok: true, pair: await this.issuePair(owner.account) };
    }
    const entry = typeof claims.jti === 'string' ? this.#refreshTokens.get(claims.jti) : undefined;
    const family = entry && this.#families.get(entry.family);
    if (!entry || !family || entry.accountId !== owner.account.id) {
      return { ok: false, reason: 'the refresh token is unknown' };
    }
    if (family.revoked) return { ok: false, reason: 'the refresh token has been revoked' };
    const inGrace =
      this.defects.has('refresh-reuse-grace') &&
      entry.spentAt !== undefined &&
      this.clock.now() - entry.spentAt < 60_000;
    if (entry.state === 'spent' && !this.defects.has('refresh-token-reusable') && !inGrace) {
      if (!this.defects.has('no-family-revocation')) family.revoked = true;
      return { ok: false, reason: 'the refresh token was already used; its token family is revoked' };
    }
    if (this.defects.has('refresh-race')) await delay(5);
    if (!this.defects.has('refresh-token-reusable') && !this.defects.has('refresh-not-rotated')) {
      entry.state = 'spent';
      entry.spentAt ??= this.clock.now();
    }
    const issued = await this.issuePair(owner.account, entry.family, true);
    if (this.defects.has('refresh-new-token-dead')) this.#refreshTokens.delete(jtiOf(issued.refreshToken));
    const stale = this.defects.has('refresh-access-token-stale') ? family.loginAccessToken : undefined;
    const pair = stale ? { ...issued, accessToken: stale } : issued;
    return {
      ok: true,
      pair: this.defects.has('refresh-not-rotated') ? { ...pair, refreshToken: token } : pair,
    };
  }

  /** Revokes every refresh token family of the account (after a password change). */
  revokeAccount(accountId: number): void {
    if (this.defects.has('password-change-revokes-later-sessions')) this.#revokeLater.add(accountId);
    for (const family of this.#familiesByAccount.get(accountId) ?? []) {
      const entry = this.#families.get(family);
      if (entry) entry.revoked = true;
    }
  }

  #newFamily(accountId: number): string {
    const family = randomUUID();
    this.#families.set(family, { accountId, revoked: this.#revokeLater.has(accountId) });
    let families = this.#familiesByAccount.get(accountId);
    if (!families) {
      families = new Set();
      this.#familiesByAccount.set(accountId, families);
    }
    families.add(family);
    return family;
  }

  #sign(payload: object): Promise<string> {
    return new CompactSign(encoder.encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .sign(this.keys.signingKey);
  }

  #opaque(accountId: number, exp: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    this.#opaqueTokens.set(token, { accountId, exp });
    return Promise.resolve(token);
  }

  /** Signature and algorithm checks; the access-side defects loosen only the access path. */
  async #verify(
    token: string,
    use: 'access' | 'refresh',
  ): Promise<{ ok: true; claims: Claims } | { ok: false; reason: string }> {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'the token is not a JWS compact serialization' };
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = parseJsonPart(headerPart);
    if (!header) return { ok: false, reason: 'the token header is not base64url JSON' };
    const lenient = use === 'access';
    const unverified =
      (lenient && this.defects.has('signature-not-verified')) ||
      (!lenient && this.defects.has('refresh-signature-not-verified'));
    const unsigned =
      (lenient && this.defects.has('alg-none-accepted')) ||
      (!lenient && this.defects.has('refresh-alg-none-accepted'));
    let payload: Uint8Array | undefined;
    switch (header.alg) {
      case 'RS256':
        if (unverified) {
          payload = Buffer.from(payloadPart, 'base64url');
        } else {
          payload = await this.#verifyRs256(token);
          if (!payload) return { ok: false, reason: 'the signature does not verify with any of the keys' };
        }
        break;
      case 'none':
        if (!unsigned) {
          return { ok: false, reason: 'alg "none" is not accepted' };
        }
        payload = Buffer.from(payloadPart, 'base64url');
        break;
      case 'HS256':
        if (!(lenient && this.defects.has('hs256-public-key-accepted'))) {
          return { ok: false, reason: 'alg "HS256" is not accepted' };
        }
        if (!this.#verifyHs256WithPublicKey(`${headerPart}.${payloadPart}`, signaturePart)) {
          return { ok: false, reason: 'the signature does not verify' };
        }
        payload = Buffer.from(payloadPart, 'base64url');
        break;
      default:
        return { ok: false, reason: `alg ${JSON.stringify(header.alg)} is not accepted` };
    }
    const claims = parseJson(decoder.decode(payload));
    if (!claims) return { ok: false, reason: 'the token payload is not a JSON object' };
    return { ok: true, claims };
  }

  async #verifyRs256(token: string): Promise<Uint8Array | undefined> {
    // Tokens carry no kid (as facilioo's), so every published key is tried.
    for (const key of this.keys.verificationKeys) {
      try {
        const { payload } = await compactVerify(token, key, { algorithms: ['RS256'] });
        return payload;
      } catch {
        // try the next key
      }
    }
    return undefined;
  }

  /** The classic confusion: the published public key PEM used as an HMAC secret. */
  #verifyHs256WithPublicKey(signingInput: string, signature: string): boolean {
    const given = Buffer.from(signature, 'base64url');
    return this.keys.publicKeyPems.some((pem) => {
      const expected = createHmac('sha256', pem).update(signingInput).digest();
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }

  #claimsAccount(
    claims: Claims,
    { ignoreExpiry, extraLeewaySeconds = 0 }: { ignoreExpiry: boolean; extraLeewaySeconds?: number },
  ): TokenCheck {
    const now = this.clock.now() / 1000;
    const leeway = this.settings.leewaySeconds;
    const exp = claims.exp === undefined && this.defects.has('exp-missing') ? Infinity : claims.exp;
    if (typeof claims.nbf !== 'number' || typeof exp !== 'number') {
      return { ok: false, reason: 'the token lacks numeric nbf and exp claims' };
    }
    if (now + leeway < claims.nbf && !this.defects.has('nbf-in-future')) {
      return { ok: false, reason: 'the token is not valid yet' };
    }
    if (now - leeway - extraLeewaySeconds >= exp && !ignoreExpiry) {
      return { ok: false, reason: 'the token has expired' };
    }
    const issuers = this.defects.has('wrong-issuer')
      ? [this.settings.issuer, WRONG_ISSUER]
      : [this.settings.issuer];
    if (!issuers.includes(claims.iss as string)) return { ok: false, reason: 'the token has another issuer' };
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const acceptable = this.defects.has('wrong-audience')
      ? [this.settings.audience, WRONG_AUDIENCE]
      : [this.settings.audience];
    if (!audiences.some((aud) => acceptable.includes(aud))) {
      return { ok: false, reason: 'the token is for another audience' };
    }
    const sub = claims.sub;
    let accountId: unknown;
    let companyId: unknown;
    if (typeof sub === 'object' && sub !== null && !Array.isArray(sub)) {
      ({ accountId, companyId } = sub as { accountId?: unknown; companyId?: unknown });
    } else if (
      typeof sub === 'string' &&
      (this.defects.has('sub-as-string') || this.defects.has('refresh-sub-as-string')) &&
      /^\d+$/.test(sub)
    ) {
      accountId = Number(sub);
      companyId = this.accounts().byId(Number(sub))?.companyId;
    }
    if (this.defects.has('sub-ids-as-strings')) {
      accountId = typeof accountId === 'string' ? Number(accountId) : accountId;
      companyId = typeof companyId === 'string' ? Number(companyId) : companyId;
    }
    if (!Number.isSafeInteger(accountId) || !Number.isSafeInteger(companyId)) {
      return { ok: false, reason: 'the sub claim is not {"accountId": n, "companyId": n}' };
    }
    const account = this.accounts().byId(accountId as number);
    if (!account || account.companyId !== companyId) {
      return { ok: false, reason: 'the token names no account' };
    }
    return { ok: true, account };
  }
}

function parseJsonPart(part: string): Record<string, unknown> | undefined {
  return parseJson(Buffer.from(part, 'base64url').toString('utf8'));
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
