// On a production target let through with --allow-production, the checks and provider states
// that lock an account, change a password or burst the rate limit are skipped with the guard's
// reason unless --allow-destructive; everything else still runs.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { STATES } from '../../src/pact/states.ts';
import { DESTRUCTIVE_SKIP, guardTarget } from '../../src/preflight/index.ts';
import { type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import { ALL_CHECKS } from '../../src/scenarios/checks/index.ts';
import { runChecks } from '../../src/scenarios/runner.ts';
import { parseTarget, type Target } from '../../src/target/index.ts';
import type { PactInteraction } from '../../src/verify/pacts.ts';
import { skipReason } from '../../src/verify/pacts.ts';

const production = { name: 'staging', baseUrl: 'http://127.0.0.1:9', production: true };

describe('guardTarget', () => {
  test.each([
    [{ allowProduction: false, allowDestructive: false }, 'refused'],
    [{ allowProduction: false, allowDestructive: true }, 'refused'],
    [{ allowProduction: true, allowDestructive: false }, 'skip destructive'],
    [{ allowProduction: true, allowDestructive: true }, 'everything'],
  ])('a production target with %o: %s', (flags, expected) => {
    const decide = () => guardTarget(production, { command: 'gate', ...flags });
    if (expected === 'refused') {
      expect(decide).toThrow(/is production; nothing was sent/);
      return;
    }
    expect(decide().skipDestructive).toBe(expected === 'skip destructive' ? DESTRUCTIVE_SKIP : undefined);
  });

  test('a staging target runs everything without either flag', () => {
    const decision = guardTarget(
      { name: 'staging', baseUrl: 'https://staging.example.test' },
      {
        command: 'gate',
        allowProduction: false,
        allowDestructive: false,
      },
    );
    expect(decision).toEqual({ production: false, skipDestructive: undefined });
  });
});

describe('destructive checks under the guard', () => {
  let api: RunningReferenceApi;
  let target: Target;
  beforeAll(async () => {
    api = await startReferenceApi({ host: '127.0.0.1', port: 0, control: true });
    target = parseTarget(api.targetDocument([]), { source: 'test.json', baseDir: '.', env: {} });
  });
  afterAll(() => api.close());

  const only = ['lockout.five-wrong-codes-block', 'refresh.password-change-revokes', 'refresh.rotates'];

  test('without the skip, the destructive checks run (and pass against the reference API)', async () => {
    const results = await runChecks(target, { only });
    const status = Object.fromEntries(results.map((r) => [r.id, r.status]));
    expect(status).toMatchObject({
      'lockout.five-wrong-codes-block': 'passed',
      'refresh.password-change-revokes': 'passed',
      'refresh.rotates': 'passed',
    });
  });

  test('with the skip, they are skipped with the reason and the others still run', async () => {
    const results = await runChecks(target, { only, skipDestructive: DESTRUCTIVE_SKIP });
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['lockout.five-wrong-codes-block']).toMatchObject({
      status: 'skipped',
      reason: DESTRUCTIVE_SKIP,
    });
    expect(byId['refresh.password-change-revokes']).toMatchObject({
      status: 'skipped',
      reason: DESTRUCTIVE_SKIP,
    });
    expect(byId['refresh.rotates']?.status).toBe('passed');
  });

  // A new check in these flows must say whether it is destructive: this lists the ones that are not.
  const READ_ONLY_RECOVERY = ['recovery-code.arrives-by-mail'];
  test('every check that bursts the rate limit, counts wrong codes or changes the password is marked', () => {
    const marked = ALL_CHECKS.filter((check) => check.destructive).map((check) => check.id);
    const mustBe = ALL_CHECKS.filter(
      (c) =>
        c.disturbs.includes('rateLimit') ||
        c.flow === 'lockout' ||
        (c.flow === 'recovery-code' && !READ_ONLY_RECOVERY.includes(c.id)),
    );
    expect(mustBe.length).toBeGreaterThan(10);
    for (const check of mustBe) expect(marked).toContain(check.id);
  });

  test('provider states that lock, change a password or use up the limit skip their interaction', () => {
    const interaction = (name: string): PactInteraction => ({
      file: 'x.json',
      description: 'an interaction',
      states: [{ name, params: {} }],
      method: 'POST',
      path: '/api/auth/x',
      expects: '200',
      raw: {},
    });
    expect(skipReason(target, interaction(STATES.recoveryBlocked.name), DESTRUCTIVE_SKIP)).toBe(
      DESTRUCTIVE_SKIP,
    );
    expect(skipReason(target, interaction(STATES.recoveryLimitUsedUp.name), DESTRUCTIVE_SKIP)).toBe(
      DESTRUCTIVE_SKIP,
    );
    expect(skipReason(target, interaction(STATES.liveRefreshToken.name), DESTRUCTIVE_SKIP)).toBeUndefined();
    expect(skipReason(target, interaction(STATES.recoveryBlocked.name))).toBeUndefined();
  });
});
