// The example target files users copy stay valid target files.
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { startReferenceApi } from '../../src/reference-api/index.ts';
import { ACCOUNT_SLOTS } from '../../src/roles.ts';
import { loadTarget } from '../../src/target/load.ts';
import { adminLogin } from './helpers.ts';

const example = (name: string) => fileURLToPath(new URL(`../../examples/targets/${name}`, import.meta.url));

const STAGING_ENV = {
  ADMIN_PASSWORD: 'a-password',
  PMC_PASSWORD: 'p-password',
  CONTRACTOR_PASSWORD: 'c-password',
  USER_PASSWORD: 'u-password',
  RECOVERY_PASSWORD: 'r-password',
  OTHER_PMC_PASSWORD: 'o-password',
};

test('staging.example.json loads once its password variables are set', () => {
  const target = loadTarget(example('staging.example.json'), STAGING_ENV);
  expect(target.name).toBe('staging');
  expect(target.baseUrl).toBe('https://staging-api.facilioo.de');
  expect(Object.keys(target.accounts)).toHaveLength(6);
  expect(target.accounts.admin?.password).toBe('a-password');
  expect(target.mailbox?.url).toBe('http://mailpit.internal:8025');
  expect(target.control).toBeUndefined();
});

test('staging.example.json keeps its secrets out of the file', () => {
  const { ADMIN_PASSWORD: _, ...rest } = STAGING_ENV;
  expect(() => loadTarget(example('staging.example.json'), rest)).toThrow(ConfigError);
  expect(() => loadTarget(example('staging.example.json'), rest)).toThrow(/ADMIN_PASSWORD is not set/);
});

test('local-reference.json describes a reference API served on port 8080 with control', () => {
  const env = {
    REF_ADMIN_PASSWORD: 'x1',
    REF_PMC_PASSWORD: 'x2',
    REF_CONTRACTOR_PASSWORD: 'x3',
    REF_USER_PASSWORD: 'x4',
    REF_RECOVERY_PASSWORD: 'x5',
    REF_OTHER_PMC_PASSWORD: 'x6',
  };
  const target = loadTarget(example('local-reference.json'), env);
  expect(target.baseUrl).toBe('http://127.0.0.1:8080');
  expect(target.mailbox?.url).toBe('http://127.0.0.1:8080/mailbox');
  expect(target.control).toBe('http://127.0.0.1:8080/_control');
  expect(Object.keys(target.accounts)).toHaveLength(6);
});

test('local-reference.json names the accounts a reference API seeds by default', async () => {
  const running = await startReferenceApi({ control: true, host: '127.0.0.1', port: 0 });
  try {
    const seeded = running.accounts;
    const target = loadTarget(example('local-reference.json'), {
      REF_ADMIN_PASSWORD: seeded.admin.password,
      REF_PMC_PASSWORD: seeded.propertyManagementCompany.password,
      REF_CONTRACTOR_PASSWORD: seeded.contractor.password,
      REF_USER_PASSWORD: seeded.user.password,
      REF_RECOVERY_PASSWORD: seeded.recovery.password,
      REF_OTHER_PMC_PASSWORD: seeded.otherCompanyPropertyManagementCompany.password,
      // The file says port 8080; this test's server has a free port instead.
      FACILIOO_BASE_URL: running.baseUrl,
    });
    for (const slot of ACCOUNT_SLOTS) expect(target.accounts[slot]?.email, slot).toBe(seeded[slot].email);
    expect(target.jwt.issuer).toBe(running.issuer);
    expect(target.jwt.audience).toBe(running.audience);
    expect((await adminLogin(target)).status).toBe(200);
  } finally {
    await running.close();
  }
});
