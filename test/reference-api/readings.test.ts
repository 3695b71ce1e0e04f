// The reference API serves every non-limiter reading of the spec's OPEN points, and a server told
// to take one form refuses the other, as a real deployment of that reading would: what the
// suites are proven against is then the reading itself, not a server that accepts everything.
import { compactVerify, importSPKI } from 'jose';
import { afterEach, describe, expect, test } from 'vitest';
import { toSpkiPem } from '../../src/reference-api/keys.ts';
import type { StartOptions } from '../../src/reference-api/server.ts';
import { DEFAULT_PROTECTED_PATH } from '../../src/target/types.ts';
import { call, latestCode, paths, startTestApi, type TestApi } from './support.ts';

const started: TestApi[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((api) => api.close()));
});

async function serve(options: Omit<StartOptions, 'clock'>): Promise<TestApi> {
  const api = await startTestApi(options);
  started.push(api);
  return api;
}

const credentials = (api: TestApi, slot: 'user' | 'recovery' = 'user') => ({
  email: api.accounts[slot].email,
  password: api.accounts[slot].password,
});

const loginAnswer = (api: TestApi) => call(api.baseUrl, 'POST', paths.login, { json: credentials(api) });
const refreshInBody = (api: TestApi, refreshToken: string) =>
  call(api.baseUrl, 'POST', paths.refresh, { json: { refreshToken } });
const refreshAsBearer = (api: TestApi, refreshToken: string) =>
  call(api.baseUrl, 'POST', paths.refresh, { token: refreshToken });

describe('where refresh takes the refresh token', () => {
  test('unset, it takes either the body or the Bearer credential', async () => {
    const api = await serve({});
    const first = (await loginAnswer(api)).body.refreshToken;
    const second = await refreshInBody(api, first);
    expect(second.status).toBe(200);
    expect((await refreshAsBearer(api, second.body.refreshToken)).status).toBe(200);
  });

  test('"bearer" refuses a token in the body with 400, without spending it, and takes it as Bearer', async () => {
    const api = await serve({ refreshTokenIn: 'bearer' });
    const { refreshToken } = (await loginAnswer(api)).body;
    const inBody = await refreshInBody(api, refreshToken);
    expect(inBody.status).toBe(400);
    expect(inBody.body.detail).toContain('Authorization: Bearer');
    expect((await refreshAsBearer(api, refreshToken)).status).toBe(200);
  });

  test('"body" refuses a Bearer-only refresh with 400, without spending it, and takes the body', async () => {
    const api = await serve({ refreshTokenIn: 'body' });
    const { refreshToken } = (await loginAnswer(api)).body;
    const asBearer = await refreshAsBearer(api, refreshToken);
    expect(asBearer.status).toBe(400);
    expect(asBearer.body.detail).toContain('{"refreshToken"');
    expect((await refreshInBody(api, refreshToken)).status).toBe(200);
  });
});

describe('how login and refresh answer the refresh token', () => {
  test('"object" wraps it as {"token": …} in both answers, and the wrapped token refreshes', async () => {
    const api = await serve({ refreshTokenShape: 'object' });
    const login = await loginAnswer(api);
    expect(Object.keys(login.body.refreshToken)).toEqual(['token']);
    const refreshed = await refreshInBody(api, login.body.refreshToken.token);
    expect(refreshed.status).toBe(200);
    expect(typeof refreshed.body.accessToken).toBe('string');
    expect(typeof refreshed.body.refreshToken.token).toBe('string');
    expect(refreshed.body.refreshToken.token).not.toBe(login.body.refreshToken.token);
  });

  test('by default it is the JWT string itself', async () => {
    const api = await serve({});
    expect(typeof (await loginAnswer(api)).body.refreshToken).toBe('string');
  });
});

describe('a login with a wrong password', () => {
  test.each([
    [401, 'Bearer'],
    [400, undefined],
  ] as const)('answers %i (challenge: %s) when the server reads it so', async (status, challenge) => {
    const api = await serve({ wrongPasswordStatus: status });
    const reply = await call(api.baseUrl, 'POST', paths.login, {
      json: { ...credentials(api), password: 'not-the-password' },
    });
    expect(reply.status).toBe(status);
    expect(reply.headers['www-authenticate']).toBe(challenge);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('the recovery code type', () => {
  /** Asks for a code and sends the right one back, typed as `type`. */
  async function changeWith(api: TestApi, type: 'string' | 'number') {
    const { email } = credentials(api, 'recovery');
    await call(api.baseUrl, 'POST', paths.recoverPassword, { json: { email } });
    const code = await latestCode(api, email);
    return call(api.baseUrl, 'PUT', paths.changePasswordWithRecoveryCode, {
      json: { email, password: 'a-new-Passw0rd', recoveryCode: type === 'number' ? Number(code) : code },
    });
  }

  test('"number" takes the code as a JSON number and refuses a string with 400, uncounted', async () => {
    const api = await serve({ recoveryCodeType: 'number', control: true });
    const asString = await changeWith(api, 'string');
    expect(asString.status).toBe(400);
    expect(asString.body.errors.recoveryCode).toEqual(['recoveryCode must be a JSON number']);
    const state = await call(
      api.baseUrl,
      'GET',
      `/_control/accounts/${api.accounts.recovery.email}/recovery`,
    );
    expect(state.body.failedAttempts).toBe(0);
    expect((await changeWith(api, 'number')).status).toBe(200);
  });

  test('"string" takes the code as a JSON string and refuses a number with 400', async () => {
    const api = await serve({ recoveryCodeType: 'string' });
    expect((await changeWith(api, 'number')).status).toBe(400);
    expect((await changeWith(api, 'string')).status).toBe(200);
  });
});

describe('the blocked status', () => {
  test.each([400, 403, 423, 429])(
    'a blocked recovery answers %i when the server reads it so',
    async (status) => {
      const api = await serve({ blockedStatus: status });
      const { email } = credentials(api, 'recovery');
      await call(api.baseUrl, 'POST', paths.recoverPassword, { json: { email } });
      const code = await latestCode(api, email);
      const wrong = code === '000000' ? '111111' : '000000';
      const attempt = (recoveryCode: string) =>
        call(api.baseUrl, 'PUT', paths.changePasswordWithRecoveryCode, {
          json: { email, password: 'a-new-Passw0rd', recoveryCode },
        });
      for (let i = 0; i < 4; i++) expect((await attempt(wrong)).status).toBe(400);
      expect((await attempt(wrong)).status).toBe(status);
      const blocked = await attempt(code);
      expect(blocked.status).toBe(status);
      expect(blocked.body.detail).toContain('blocked');
      // A blocked recovery is no rate limit: nothing tells the client to wait and retry.
      expect(blocked.headers['retry-after']).toBeUndefined();
    },
  );
});

describe('the published keys', () => {
  test('several keys without kid, the signer third, PKCS#1 and SPKI mixed: only the signer verifies', async () => {
    const api = await serve({ keyCount: 3, signingKeyIndex: 2, publicKeyFormat: 'mixed', keys: undefined });
    expect(api.publicKeyPems.map((pem) => pem.split('\n')[0])).toEqual([
      '-----BEGIN RSA PUBLIC KEY-----',
      '-----BEGIN PUBLIC KEY-----',
      '-----BEGIN RSA PUBLIC KEY-----',
    ]);
    const { accessToken } = (await loginAnswer(api)).body;
    const verdicts = await Promise.all(
      api.publicKeyPems.map(async (pem) =>
        compactVerify(accessToken, await importSPKI(toSpkiPem(pem), 'RS256')).then(
          ({ protectedHeader }) => protectedHeader,
          () => 'fails',
        ),
      ),
    );
    expect(verdicts).toEqual(['fails', 'fails', { alg: 'RS256', typ: 'JWT' }]);
    expect((await call(api.baseUrl, 'GET', DEFAULT_PROTECTED_PATH, { token: accessToken })).status).toBe(200);
  });

  test('"spki" publishes every key as SPKI', async () => {
    const api = await serve({ publicKeyFormat: 'spki' });
    expect(api.publicKeyPems[0]).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });
});

describe('the target document announces the readings', () => {
  test('a server of non-default readings writes them into its target options', async () => {
    const api = await serve({
      refreshTokenIn: 'bearer',
      refreshTokenShape: 'object',
      recoveryCodeType: 'number',
      leewaySeconds: 300,
    });
    expect(api.targetDocument([]).options).toMatchObject({
      refreshTokenIn: 'bearer',
      refreshTokenShape: 'object',
      recoveryCodeType: 'number',
      tokenLeewaySeconds: 300,
    });
  });

  test('a server that takes either form announces the default', async () => {
    const api = await serve({});
    expect(api.targetDocument([]).options).toMatchObject({
      refreshTokenIn: 'body',
      refreshTokenShape: 'string',
      recoveryCodeType: 'string',
      tokenLeewaySeconds: 0,
    });
  });
});
