// A check no injected defect trips must still be shown failing: each runs here against a target that breaks its rule.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/reference-api/index.ts';
import type { CheckResult } from '../../src/report/types.ts';
import { CLEANUP_CHECK, runChecks } from '../../src/scenarios/runner.ts';
import type { ResolvedTarget, Target } from '../../src/target/index.ts';
import { startTarget } from './reference-target.ts';
import { startTamperingProxy, type TamperingProxy } from './tampering-proxy.ts';

const SEED_KEY = fileURLToPath(new URL('../fixtures/seed/key-1.pem', import.meta.url));

let running: ResolvedTarget | undefined;
let proxy: TamperingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await running?.close();
  running = proxy = undefined;
});

async function run(
  only: string[],
  options: Parameters<typeof startTarget>[0] = {},
  change: (target: Target) => Target = (target) => target,
): Promise<Map<string, CheckResult>> {
  running = await startTarget(options);
  const results = await runChecks(change(running.target), { only });
  return new Map(results.map((result) => [result.id, result]));
}

describe('checks fail against a target that breaks their rule', () => {
  test('tokens.valid-now fails when the tokens are issued for a time in the future', async () => {
    // No control API, so the check judges by our clock, while the server lives in 2030.
    const results = await run(['tokens.valid-now'], {
      clock: new ManualClock(Date.UTC(2030, 0, 1)),
      control: false,
    });
    expect(results.get('tokens.valid-now')).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/nbf .* is after now/),
    });
  });

  test('refresh.new-token-works fails when a refresh answers a refresh token that does not work', async () => {
    running = await startTarget();
    // Refresh answers keep their shape, but the new refresh token's signature is broken.
    proxy = await startTamperingProxy(running.target.baseUrl, (path, status, body) => {
      if (path !== running!.target.paths.refresh || status !== 200) return body;
      const pair = body as { refreshToken: string };
      // A character inside the signature: the last one may only carry padding bits.
      const at = pair.refreshToken.length - 10;
      const flipped = pair.refreshToken[at] === 'A' ? 'B' : 'A';
      return {
        ...pair,
        refreshToken: `${pair.refreshToken.slice(0, at)}${flipped}${pair.refreshToken.slice(at + 1)}`,
      };
    });
    const target = { ...running.target, baseUrl: proxy.url };
    const results = await runChecks(target, { only: ['refresh.rotates', 'refresh.new-token-works'] });
    expect(results.find((result) => result.id === 'refresh.rotates')).toMatchObject({ status: 'passed' });
    expect(results.find((result) => result.id === 'refresh.new-token-works')).toMatchObject({
      status: 'failed',
    });
  });

  test('tokens.issuer-matches-target fails when the target file names another issuer', async () => {
    const results = await run(['tokens.issuer-matches-target'], {}, (target) => ({
      ...target,
      jwt: { ...target.jwt, issuer: 'someone-else.facilioo.test' },
    }));
    expect(results.get('tokens.issuer-matches-target')).toMatchObject({ status: 'failed' });
  });

  test('tokens.signature-verifies fails when the listed key did not sign the tokens', async () => {
    const results = await run(['tokens.signature-verifies'], {}, (target) => ({
      ...target,
      jwt: { ...target.jwt, publicKeys: [SEED_KEY] },
    }));
    expect(results.get('tokens.signature-verifies')).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('key-1.pem'),
    });
  });

  test('tokens.lifetime-bounded reports a finding for two-hour access tokens', async () => {
    const results = await run(['tokens.lifetime-bounded'], { accessTokenSeconds: 7200 });
    expect(results.get('tokens.lifetime-bounded')).toMatchObject({ status: 'failed', kind: 'security' });
  });

  test("unblock.property-management-company-unblocks fails when that account may not unblock (another company's)", async () => {
    const results = await run(['unblock.property-management-company-unblocks'], {}, (target) => ({
      ...target,
      accounts: {
        ...target.accounts,
        propertyManagementCompany: target.accounts.otherCompanyPropertyManagementCompany,
      },
    }));
    expect(results.get('unblock.property-management-company-unblocks')).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('403'),
    });
  });

  test('unblock.admin-unblocks fails when the admin slot holds an account that may not unblock', async () => {
    const results = await run(['unblock.admin-unblocks'], {}, (target) => ({
      ...target,
      accounts: { ...target.accounts, admin: target.accounts.contractor },
    }));
    expect(results.get('unblock.admin-unblocks')).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('403'),
    });
  });

  test(`${CLEANUP_CHECK.id} fails, naming the account's state, when the recovery account cannot be unblocked`, async () => {
    // The lockout check itself passes; its cleanup cannot unblock as a Contractor.
    const results = await run(['lockout.five-wrong-codes-block'], {}, (target) => ({
      ...target,
      accounts: { ...target.accounts, propertyManagementCompany: target.accounts.contractor },
    }));
    const recovery = running!.target.accounts.recovery!.email;
    expect(results.get('lockout.five-wrong-codes-block')).toMatchObject({ status: 'passed' });
    expect(results.get(CLEANUP_CHECK.id)).toMatchObject({
      status: 'failed',
      kind: 'behaviour',
      reason: expect.stringContaining(`the recovery account ${recovery} is left BLOCKED for recovery`),
    });
  });
});
