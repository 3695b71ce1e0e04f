// Options are checked once, with errors that name the option, and the target document the
// server writes describes it in the spec's format.
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { seedAccounts } from '../../src/reference-api/accounts.ts';
import { DEFAULT_LIMITS } from '../../src/reference-api/index.ts';
import { resolveOptions } from '../../src/reference-api/options.ts';
import { ACCOUNT_SLOTS } from '../../src/roles.ts';
import { DEFAULT_OPTIONS, DEFAULT_PATHS } from '../../src/target/types.ts';
import { startTestApi } from './support.ts';

describe('options', () => {
  test.each([
    [{ accessTokenSeconds: 0 }, 'accessTokenSeconds'],
    [{ issuer: 'https://ref-api.facilioo.test/' }, 'issuer'],
    [{ limits: { permitLimit: 0 } }, 'limits.permitLimit'],
    [{ limits: { algorithm: 'leaky-bucket' } }, 'limits.algorithm'],
    [{ limits: { routes: ['logout'] } }, 'limits.routes[0]'],
    [{ defects: ['no-such-defect'] }, 'defects'],
    [{ keys: [] }, 'keys'],
  ])('%j is refused with a ConfigError naming %s', (options, field) => {
    let error: unknown;
    try {
      resolveOptions(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(field);
  });

  test('an explicitly undefined limit field takes its default', () => {
    expect(resolveOptions({ limits: { algorithm: undefined, permitLimit: 9 } }).limits).toEqual({
      ...DEFAULT_LIMITS,
      permitLimit: 9,
    });
  });
});

describe('seeded accounts', () => {
  test('the same seed gives the same accounts, another seed others, all under .test', () => {
    const first = seedAccounts(7, 3);
    expect(seedAccounts(7, 3)).toEqual(first);
    expect(seedAccounts(8, 3).slots.admin.email).not.toBe(first.slots.admin.email);
    const all = [...Object.values(first.slots), ...first.load];
    expect(new Set(all.map((a) => a.email)).size).toBe(all.length);
    for (const account of all) expect(account.email).toMatch(/\.test$/);
    expect(first.load.map((a) => a.email)).toEqual([
      'load-001@load.facilioo.test',
      'load-002@load.facilioo.test',
      'load-003@load.facilioo.test',
    ]);
  });

  test('recovery belongs to the company of propertyManagementCompany; the other PMC does not', () => {
    const { slots } = seedAccounts(1, 0);
    expect(slots.recovery.companyId).toBe(slots.propertyManagementCompany.companyId);
    expect(slots.otherCompanyPropertyManagementCompany.companyId).not.toBe(
      slots.propertyManagementCompany.companyId,
    );
    expect(Object.fromEntries(ACCOUNT_SLOTS.map((slot) => [slot, slots[slot].role]))).toEqual({
      admin: 'Admin',
      propertyManagementCompany: 'PropertyManagementCompany',
      contractor: 'Contractor',
      user: 'User',
      recovery: 'User',
      otherCompanyPropertyManagementCompany: 'PropertyManagementCompany',
    });
  });
});

describe('targetDocument', () => {
  test('describes the running server in the spec format, with the given key files', async () => {
    const api = await startTestApi({ control: true });
    try {
      const document = api.targetDocument(['keys/ref-1.pem']);
      expect(document).toEqual({
        name: 'reference',
        baseUrl: api.baseUrl,
        jwt: {
          issuer: 'ref-api.facilioo.test',
          audience: 'ref-app.facilioo.test',
          publicKeys: ['keys/ref-1.pem'],
        },
        accounts: Object.fromEntries(
          ACCOUNT_SLOTS.map((slot) => [
            slot,
            { email: api.accounts[slot].email, password: api.accounts[slot].password },
          ]),
        ),
        mailbox: { kind: 'mailpit', url: `${api.baseUrl}/mailbox`, codePattern: '\\b(\\d{6})\\b' },
        protectedPath: '/api/accounts/myself',
        paths: DEFAULT_PATHS,
        options: DEFAULT_OPTIONS,
        control: `${api.baseUrl}/_control`,
      });
    } finally {
      await api.close();
    }
  });
});
