// Every injected defect changes what a client can observe, and without it the reference API
// behaves as documented: the same probe, run healthy and defective, gives the two answers below.
// This is the proof that later suites have something real to catch for each defect name.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DEFECTS, type DefectName, WRONG_AUDIENCE } from '../../src/reference-api/index.ts';
import type { AccountSlot } from '../../src/roles.ts';
import { catchersOf } from '../../src/scenarios/rules-doc.ts';
import { DEFAULT_PROTECTED_PATH } from '../../src/target/types.ts';
import { call, decodePart, latestCode, login, paths, startTestApi, type TestApi } from './support.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ control: true });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const HOUR = 3600_000;
const recoveryEmail = () => api.accounts.recovery.email;
const refresh = (refreshToken: unknown) =>
  call(api.baseUrl, 'POST', paths.refresh, { json: { refreshToken } });
const myself = (token?: string) => call(api.baseUrl, 'GET', DEFAULT_PROTECTED_PATH, token ? { token } : {});
const recover = (email: string) => call(api.baseUrl, 'POST', paths.recoverPassword, { json: { email } });
const change = (recoveryCode: string) =>
  call(api.baseUrl, 'PUT', paths.changePasswordWithRecoveryCode, {
    json: { email: recoveryEmail(), password: 'a-new-password-1', recoveryCode },
  });
const blocked = async () =>
  (await call(api.controlUrl!, 'GET', `/accounts/${encodeURIComponent(recoveryEmail())}/recovery`)).body
    .blocked;
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function requestCode(): Promise<string> {
  await recover(recoveryEmail());
  return latestCode(api, recoveryEmail());
}

async function wrongCodes(n: number): Promise<string> {
  const code = await requestCode();
  for (let i = 0; i < n; i++) await change(wrong(code));
  return code;
}

async function unblockAs(slot: AccountSlot | undefined): Promise<number> {
  const token = slot ? (await login(api, slot)).accessToken : undefined;
  const reply = await call(api.baseUrl, 'POST', paths.unblockRecoveryCode, {
    json: { email: recoveryEmail() },
    ...(token ? { token } : {}),
  });
  return reply.status;
}

function claimsFor(slot: AccountSlot) {
  const nbf = Math.floor(api.clock.now() / 1000);
  const { accountId, companyId } = api.accounts[slot];
  return { nbf, exp: nbf + 3600, iss: api.issuer, aud: api.audience, sub: { accountId, companyId } };
}

async function loginBody(): Promise<Record<string, unknown>> {
  const { email, password } = api.accounts.user;
  return (await call(api.baseUrl, 'POST', paths.login, { json: { email, password } })).body;
}

/** A healthy answer this test does not check (see the row for why). */
const NOT_ASSERTED = Symbol('not asserted');

interface Row {
  probe: () => Promise<unknown>;
  healthy: unknown;
  defective: unknown;
}

/**
 * A probe for each defect of the first catalog. Later defects are proven observable by the
 * scenario defect table instead (test/scenarios/defects-caught.slow.test.ts): a check fails against each.
 */
const ROWS: Partial<Record<DefectName, Row>> = {
  'refresh-token-reusable': {
    probe: async () => {
      const { refreshToken } = await login(api, 'user');
      await refresh(refreshToken);
      return (await refresh(refreshToken)).status;
    },
    healthy: 401,
    defective: 200,
  },
  'refresh-not-rotated': {
    probe: async () => {
      const { refreshToken } = await login(api, 'user');
      return (await refresh(refreshToken)).body.refreshToken === refreshToken;
    },
    healthy: false,
    defective: true,
  },
  'no-family-revocation': {
    probe: async () => {
      const { refreshToken } = await login(api, 'user');
      const next = (await refresh(refreshToken)).body.refreshToken;
      await refresh(refreshToken);
      return (await refresh(next)).status;
    },
    healthy: 401,
    defective: 200,
  },
  'refresh-race': {
    probe: async () => {
      const { refreshToken } = await login(api, 'user');
      const replies = await Promise.all(Array.from({ length: 5 }, () => refresh(refreshToken)));
      return replies.filter((reply) => reply.status === 200).length > 1;
    },
    healthy: false,
    defective: true,
  },
  'refresh-survives-password-change': {
    probe: async () => {
      const { refreshToken } = await login(api, 'recovery');
      await change(await requestCode());
      return (await refresh(refreshToken)).status;
    },
    healthy: 401,
    defective: 200,
  },
  'access-token-as-refresh': {
    probe: async () => (await refresh((await login(api, 'user')).accessToken)).status,
    healthy: 401,
    defective: 200,
  },
  'refresh-token-as-access': {
    probe: async () => (await myself((await login(api, 'user')).refreshToken)).status,
    healthy: 401,
    defective: 200,
  },
  'expired-token-accepted': {
    probe: async () => {
      const { accessToken } = await login(api, 'user');
      api.clock.advance(HOUR);
      return (await myself(accessToken)).status;
    },
    healthy: 401,
    defective: 200,
  },
  'alg-none-accepted': {
    probe: async () =>
      (await myself(`${encode({ alg: 'none', typ: 'JWT' })}.${encode(claimsFor('admin'))}.`)).status,
    healthy: 401,
    defective: 200,
  },
  'hs256-public-key-accepted': {
    probe: async () => {
      const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claimsFor('admin'))}`;
      const signature = createHmac('sha256', api.publicKeyPems[0]!).update(input).digest('base64url');
      return (await myself(`${input}.${signature}`)).status;
    },
    healthy: 401,
    defective: 200,
  },
  'signature-not-verified': {
    probe: async () => {
      const [header, , signature] = (await login(api, 'user')).accessToken.split('.');
      return (await myself(`${header}.${encode(claimsFor('admin'))}.${signature}`)).status;
    },
    healthy: 401,
    defective: 200,
  },
  'no-www-authenticate': {
    probe: async () => (await myself()).headers['www-authenticate'],
    healthy: 'Bearer',
    defective: undefined,
  },
  'wrong-audience': {
    probe: async () => decodePart((await login(api, 'user')).accessToken, 1).aud,
    healthy: 'ref-app.facilioo.test',
    defective: WRONG_AUDIENCE,
  },
  'lockout-after-six': {
    probe: async () => {
      await wrongCodes(5);
      return blocked();
    },
    healthy: true,
    defective: false,
  },
  'lockout-one-hour': {
    probe: async () => {
      await wrongCodes(5);
      api.clock.advance(HOUR);
      return blocked();
    },
    healthy: true,
    defective: false,
  },
  'right-code-while-blocked': {
    probe: async () => (await change(await wrongCodes(5))).status,
    healthy: 423,
    defective: 200,
  },
  'new-code-lifts-block': {
    probe: async () => {
      await wrongCodes(5);
      await requestCode();
      return blocked();
    },
    healthy: true,
    defective: false,
  },
  'lockout-race': {
    probe: async () => {
      const code = await requestCode();
      await Promise.all(Array.from({ length: 20 }, () => change(wrong(code))));
      return blocked();
    },
    healthy: true,
    defective: false,
  },
  'unblock-by-contractor': { probe: () => unblockAs('contractor'), healthy: 403, defective: 200 },
  'unblock-by-user': { probe: () => unblockAs('user'), healthy: 403, defective: 200 },
  'unblock-cross-company': {
    probe: () => unblockAs('otherCompanyPropertyManagementCompany'),
    healthy: 403,
    defective: 200,
  },
  'unblock-without-token': { probe: () => unblockAs(undefined), healthy: 401, defective: 200 },
  'recover-password-enumeration': {
    probe: async () => (await recover('nobody@nowhere.facilioo.test')).status,
    healthy: 200,
    defective: 404,
  },
  'recover-password-timing': {
    // Only the defective side is timed, as a lower bound the server's own 50 ms wait guarantees;
    // asserting that the healthy side is fast would make this test depend on machine load.
    probe: async () => {
      const started = performance.now();
      await recover(recoveryEmail());
      return performance.now() - started >= 40;
    },
    healthy: NOT_ASSERTED,
    defective: true,
  },
  'no-rate-limit': {
    probe: async () => {
      const replies = await Promise.all(
        Array.from({ length: 6 }, () => recover('nobody@nowhere.facilioo.test')),
      );
      return replies.some((reply) => reply.status === 429);
    },
    healthy: true,
    defective: false,
  },
  'rate-limit-no-retry-after': {
    probe: async () => {
      const replies = await Promise.all(
        Array.from({ length: 6 }, () => recover('nobody@nowhere.facilioo.test')),
      );
      return replies.find((reply) => reply.status === 429)?.headers['retry-after'];
    },
    healthy: '60',
    defective: undefined,
  },
  'access-token-renamed': {
    probe: async () => Object.keys(await loginBody()).sort(),
    healthy: ['accessToken', 'refreshToken'],
    defective: ['access_token', 'refreshToken'],
  },
  'access-token-missing': {
    probe: async () => Object.keys(await loginBody()).sort(),
    healthy: ['accessToken', 'refreshToken'],
    defective: ['refreshToken'],
  },
  'refresh-token-renamed': {
    probe: async () => Object.keys(await loginBody()).sort(),
    healthy: ['accessToken', 'refreshToken'],
    defective: ['accessToken', 'refresh_token'],
  },
  'refresh-token-not-string': {
    probe: async () => typeof (await loginBody()).refreshToken,
    healthy: 'string',
    defective: 'number',
  },
  'access-token-not-jwt': {
    probe: async () => {
      const { accessToken } = await login(api, 'user');
      return { parts: accessToken.split('.').length, accepted: (await myself(accessToken)).status };
    },
    healthy: { parts: 3, accepted: 200 },
    defective: { parts: 1, accepted: 200 },
  },
  'sub-as-string': {
    probe: async () => {
      const { accessToken } = await login(api, 'user');
      return { sub: typeof decodePart(accessToken, 1).sub, accepted: (await myself(accessToken)).status };
    },
    healthy: { sub: 'object', accepted: 200 },
    defective: { sub: 'string', accepted: 200 },
  },
  'problem-json-missing': {
    probe: async () => {
      const reply = await myself();
      return { status: reply.status, type: reply.headers['content-type']?.split(';')[0] };
    },
    healthy: { status: 401, type: 'application/problem+json' },
    defective: { status: 401, type: 'text/plain' },
  },
  // Load defects: test/load/k6-run.slow.test.ts shows the load profiles failing against each.
  'errors-under-load': {
    probe: async () => {
      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push((await myself()).status);
      return statuses.filter((status) => status === 500).length;
    },
    healthy: 0,
    defective: 1,
  },
  'latency-grows-with-load': {
    probe: async () => {
      await Promise.all(Array.from({ length: 24 }, () => myself()));
      const started = performance.now();
      await myself();
      // The 25th request waits 24 × 50 ms by design: a lower bound no scheduler can shorten.
      return performance.now() - started >= 1200;
    },
    // A healthy server's speed is not asserted (no timed assertions).
    healthy: NOT_ASSERTED,
    defective: true,
  },
};

async function switchDefects(defects: DefectName[]): Promise<void> {
  const reply = await call(api.controlUrl!, 'PUT', '/defects', { json: { defects } });
  expect(reply.body.defects).toEqual(defects);
}

describe('each defect', () => {
  test('has a probe here or a scenario check that catches it, so none ships without proof that it is observable', () => {
    const unproven = DEFECTS.filter((d) => !ROWS[d.name] && catchersOf(d.name).length === 0);
    expect(unproven.map((d) => d.name)).toEqual([]);
  });

  test.each(DEFECTS.filter((d) => ROWS[d.name]).map((d) => [d.name, d.kind] as const))(
    '%s (%s) changes what a client observes',
    async (name) => {
      const row = ROWS[name]!;
      await switchDefects([]);
      const healthy = await row.probe();
      if (row.healthy !== NOT_ASSERTED) expect(healthy).toEqual(row.healthy);
      api.reset();
      await switchDefects([name]);
      try {
        expect(await row.probe()).toEqual(row.defective);
      } finally {
        await switchDefects([]);
      }
    },
  );
});

describe('the defect list', () => {
  test('names are unique kebab-case and every entry says what it breaks', () => {
    const names = DEFECTS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const defect of DEFECTS) {
      expect(defect.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(defect.description.length).toBeGreaterThan(10);
      expect(defect.rule.length).toBeGreaterThan(5);
      expect(['behaviour', 'security', 'shape', 'load']).toContain(defect.kind);
    }
  });
});
