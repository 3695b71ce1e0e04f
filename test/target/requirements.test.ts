// A check that needs something the target lacks gets a reason to skip — never a silent pass.
import { describe, expect, test } from 'vitest';
import { ACCOUNT_SLOTS } from '../../src/roles.ts';
import { missing, type Need } from '../../src/target/requirements.ts';
import { DEFAULT_OPTIONS, DEFAULT_PATHS, type Target } from '../../src/target/types.ts';

const bare: Target = {
  name: 'staging',
  source: 'targets/staging.json',
  baseUrl: 'https://staging-api.facilioo.de',
  jwt: { issuer: undefined, audience: undefined, publicKeys: [] },
  accounts: {},
  mailbox: undefined,
  protectedPath: '/api/accounts/myself',
  paths: { ...DEFAULT_PATHS },
  options: { ...DEFAULT_OPTIONS },
  control: undefined,
};

const full: Target = {
  ...bare,
  jwt: { issuer: 'i', audience: 'a', publicKeys: ['/k.pem'] },
  accounts: Object.fromEntries(
    ACCOUNT_SLOTS.map((slot) => [slot, { email: `${slot}@x.test`, password: 'pw' }]),
  ),
  mailbox: { kind: 'mailpit', url: 'http://m', codePattern: 'x' },
  control: 'http://c/_control',
};

const ALL_NEEDS: Need[] = [
  ...ACCOUNT_SLOTS.map((slot) => `account:${slot}` as const),
  'mailbox',
  'control',
  'publicKeys',
  'jwt.issuer',
  'jwt.audience',
];

describe('missing', () => {
  test('a target with everything gives no reason', () => {
    expect(missing(full, ...ALL_NEEDS)).toBeUndefined();
  });

  test('no needs, no reason', () => {
    expect(missing(bare)).toBeUndefined();
  });

  test('a missing account is named by its field in the target file', () => {
    const { otherCompanyPropertyManagementCompany: _, ...accounts } = full.accounts;
    expect(
      missing({ ...full, accounts }, 'account:admin', 'account:otherCompanyPropertyManagementCompany'),
    ).toBe('target "staging" (targets/staging.json) has no accounts.otherCompanyPropertyManagementCompany');
  });

  test.each(ALL_NEEDS)('a target without %s gets a reason', (need) => {
    const reason = missing(bare, need);
    expect(reason).toMatch(/^target "staging" \(targets\/staging\.json\) has no /);
    expect(missing(full, need)).toBeUndefined();
  });

  test('every absent need is listed', () => {
    expect(missing(bare, 'mailbox', 'control', 'publicKeys')).toBe(
      'target "staging" (targets/staging.json) has no mailbox, control, jwt.publicKeys',
    );
  });

  test('an unknown account slot is a programming error, not a skip', () => {
    expect(() => missing(full, 'account:propertyManager' as Need)).toThrow(
      /unknown account slot "propertyManager"/,
    );
  });

  test('the documented idiom skips with the reason', (ctx) => {
    const reason = missing(bare, 'mailbox');
    // Reached only if `missing` wrongly reports nothing: then this test fails instead of skipping.
    if (!reason) throw new Error('missing() gave no reason for a target without a mailbox');
    ctx.onTestFinished(({ task }) => {
      expect(task.result?.state).toBe('skip');
      expect((task.result as { note?: string } | undefined)?.note).toBe(reason);
    });
    ctx.skip(reason);
  });
});
