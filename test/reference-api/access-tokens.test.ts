// Access tokens are RS256 JWTs in exactly the documented layout, and the protected endpoint
// accepts only well-formed, unexpired tokens signed by one of the published keys.
import { createHmac } from 'node:crypto';
import { CompactSign, compactVerify, importPKCS8, importSPKI } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { generateKeys } from '../../src/reference-api/index.ts';
import { toSpkiPem } from '../../src/reference-api/keys.ts';
import { DEFAULT_PROTECTED_PATH } from '../../src/target/types.ts';
import { call, decodePart, login, paths, startTestApi, type TestApi, testKeys } from './support.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({
    control: true,
    issuer: 'dev-api.facilioo.test',
    audience: 'dev-app.facilioo.test',
  });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const myself = (token?: string) => call(api.baseUrl, 'GET', DEFAULT_PROTECTED_PATH, token ? { token } : {});

async function sign(claims: object, privateKeyPem: string, header: object = { alg: 'RS256', typ: 'JWT' }) {
  const key = await importPKCS8(privateKeyPem, 'RS256');
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader(header as { alg: 'RS256' })
    .sign(key);
}

function validClaims(overrides: Record<string, unknown> = {}, server: TestApi = api) {
  const nbf = Math.floor(server.clock.now() / 1000);
  const { accountId, companyId } = server.accounts.user;
  return {
    nbf,
    exp: nbf + 3600,
    iss: server.issuer,
    aud: server.audience,
    sub: { accountId, companyId },
    ...overrides,
  };
}

describe('login', () => {
  test('the seeded credentials log in and receive an access and a refresh token', async () => {
    const reply = await call(api.baseUrl, 'POST', paths.login, {
      json: {
        email: api.accounts.user.email,
        password: api.accounts.user.password,
        skipMultiFactorAuthentication: true,
      },
    });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['accessToken', 'refreshToken']);
    expect(typeof reply.body.accessToken).toBe('string');
    expect(typeof reply.body.refreshToken).toBe('string');
  });

  test('the e-mail address is matched case-insensitively', async () => {
    const reply = await call(api.baseUrl, 'POST', paths.login, {
      json: { email: api.accounts.user.email.toUpperCase(), password: api.accounts.user.password },
    });
    expect(reply.status).toBe(200);
  });

  test.each([
    [
      'a wrong password',
      () => ({ email: api.accounts.user.email, password: `${api.accounts.user.password}x` }),
    ],
    [
      'an unknown address',
      () => ({ email: 'nobody@nowhere.facilioo.test', password: api.accounts.user.password }),
    ],
  ])('%s answers 401 problem+json with a Bearer challenge', async (_name, body) => {
    const reply = await call(api.baseUrl, 'POST', paths.login, { json: body() });
    expect(reply.status).toBe(401);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.headers['www-authenticate']).toBe('Bearer');
    expect(reply.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    expect(reply.text).not.toContain(api.accounts.user.password);
  });

  test.each([
    [{ password: 'x' }, 'email', 'email is required'],
    [{ email: 'a@b.test' }, 'password', 'password is required'],
    [{ email: 42, password: 'x' }, 'email', 'email must be a string'],
    [
      { email: 'a@b.test', password: 'x', skipMultiFactorAuthentication: 'yes' },
      'skipMultiFactorAuthentication',
      'must be true or false',
    ],
  ])('a malformed login body %j answers 400 naming %s', async (json, field, message) => {
    const reply = await call(api.baseUrl, 'POST', paths.login, { json });
    expect(reply.status).toBe(400);
    expect(reply.body.errors[field]?.join(' ')).toContain(message);
    expect(reply.body.detail).toContain(message);
  });
});

describe('the access token', () => {
  test('has the documented header and exactly the documented claims, living 3600 s', async () => {
    const { accessToken } = await login(api, 'propertyManagementCompany');
    expect(decodePart(accessToken, 0)).toEqual({ alg: 'RS256', typ: 'JWT' });
    const payload = decodePart(accessToken, 1);
    expect(Object.keys(payload)).toEqual(['nbf', 'exp', 'iss', 'aud', 'sub']);
    const pmc = api.accounts.propertyManagementCompany;
    expect(payload).toEqual({
      nbf: Math.floor(api.clock.now() / 1000),
      exp: Math.floor(api.clock.now() / 1000) + 3600,
      iss: 'dev-api.facilioo.test',
      aud: 'dev-app.facilioo.test',
      sub: { accountId: pmc.accountId, companyId: pmc.companyId },
    });
  });

  test('verifies with the published PKCS#1 public key', async () => {
    const { accessToken } = await login(api, 'admin');
    expect(api.publicKeyPems[0]).toMatch(/^-----BEGIN RSA PUBLIC KEY-----\n/);
    const key = await importSPKI(toSpkiPem(api.publicKeyPems[0]!), 'RS256');
    const { protectedHeader } = await compactVerify(accessToken, key);
    expect(protectedHeader.alg).toBe('RS256');
  });

  test('signingKeyIndex signs with a later key, and tokens of every listed key are accepted', async () => {
    const rotated = await startTestApi({ signingKeyIndex: 1 });
    try {
      const { accessToken } = await login(rotated, 'user');
      const [first, second] = rotated.publicKeyPems.map((pem) => importSPKI(toSpkiPem(pem), 'RS256'));
      await expect(compactVerify(accessToken, await first!)).rejects.toThrow();
      await expect(compactVerify(accessToken, await second!)).resolves.toBeDefined();
      const olderKeyToken = await sign(validClaims({}, rotated), (await testKeys())[0]!.privateKeyPem);
      const reply = await call(rotated.baseUrl, 'GET', DEFAULT_PROTECTED_PATH, { token: olderKeyToken });
      expect(reply.status).toBe(200);
    } finally {
      await rotated.close();
    }
  });
});

describe('the protected endpoint', () => {
  test("answers the caller's profile", async () => {
    const { accessToken } = await login(api, 'contractor');
    const reply = await myself(accessToken);
    expect(reply.status).toBe(200);
    const contractor = api.accounts.contractor;
    expect(reply.body).toEqual({
      id: contractor.accountId,
      email: contractor.email,
      firstName: contractor.firstName,
      lastName: contractor.lastName,
      companyId: contractor.companyId,
      role: 5,
      partyType: 'Contractor',
    });
  });

  test('without a token answers 401 with a bare Bearer challenge', async () => {
    const reply = await myself();
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toBe('Bearer');
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('with a malformed token answers 401 invalid_token', async () => {
    const reply = await myself('not-a-jwt');
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  test('an access token is accepted until its exp and refused from exp on', async () => {
    const { accessToken } = await login(api, 'user');
    api.clock.advance(3599_000);
    expect((await myself(accessToken)).status).toBe(200);
    api.clock.advance(1000);
    const expired = await myself(accessToken);
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toContain('expired');
  });

  test('leewaySeconds tolerates that much clock skew on exp', async () => {
    const lenient = await startTestApi({ leewaySeconds: 30 });
    try {
      const { accessToken } = await login(lenient, 'user');
      lenient.clock.advance(3629_000);
      expect(
        (await call(lenient.baseUrl, 'GET', DEFAULT_PROTECTED_PATH, { token: accessToken })).status,
      ).toBe(200);
      lenient.clock.advance(1000);
      expect(
        (await call(lenient.baseUrl, 'GET', DEFAULT_PROTECTED_PATH, { token: accessToken })).status,
      ).toBe(401);
    } finally {
      await lenient.close();
    }
  });

  test('a correctly signed token with the documented claims is accepted (the forging helper is sound)', async () => {
    const token = await sign(validClaims(), (await testKeys())[0]!.privateKeyPem);
    expect((await myself(token)).status).toBe(200);
  });

  test.each([
    ['not valid yet (nbf in the future)', { nbf: 4_000_000_000 }],
    ['from another issuer', { iss: 'api.facilioo.de' }],
    ['for another audience', { aud: 'app.facilioo.de' }],
    ['with a string sub', { sub: '4' }],
    ['without sub', { sub: undefined }],
    ['naming an account of another company', { sub: { accountId: 1, companyId: 99 } }],
    ['naming no account', { sub: { accountId: 9999, companyId: 2 } }],
    ['without exp', { exp: undefined }],
  ])('refuses a signed token %s', async (_name, overrides) => {
    const token = await sign(validClaims(overrides), (await testKeys())[0]!.privateKeyPem);
    const reply = await myself(token);
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  test('refuses a token signed by a key it does not publish', async () => {
    const [stranger] = await generateKeys(1);
    const token = await sign(validClaims(), stranger!.privateKeyPem);
    expect((await myself(token)).status).toBe(401);
  });

  test('refuses an unsigned token with alg "none"', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(validClaims())}.`;
    expect((await myself(token)).status).toBe(401);
  });

  test('refuses an HS256 token keyed with the published public key (algorithm confusion)', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(validClaims())}`;
    const signature = createHmac('sha256', api.publicKeyPems[0]!).update(input).digest('base64url');
    expect((await myself(`${input}.${signature}`)).status).toBe(401);
  });

  test('refuses a token whose payload was changed after signing', async () => {
    const { accessToken } = await login(api, 'user');
    const [header, , signature] = accessToken.split('.');
    const admin = api.accounts.admin;
    const payload = Buffer.from(
      JSON.stringify({
        ...decodePart(accessToken, 1),
        sub: { accountId: admin.accountId, companyId: admin.companyId },
      }),
    ).toString('base64url');
    expect((await myself(`${header}.${payload}.${signature}`)).status).toBe(401);
  });

  test('refuses a refresh token as the bearer credential', async () => {
    const { refreshToken } = await login(api, 'user');
    const reply = await myself(refreshToken);
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toContain('refresh token is not an access token');
  });
});
