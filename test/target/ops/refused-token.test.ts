// The client's 401 handling (refresh once, retry once; many 401s, one refresh) is checked on
// every target: where tokens live an hour and no clock can be moved, the target is handed the
// same access token under a broken signature, which any correct verifier refuses with 401.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runChecks } from '../../../src/scenarios/runner.ts';
import { type ResolvedTarget, resolveTarget } from '../../../src/target/index.ts';
import { withBrokenSignature } from '../../../src/target/ops/index.ts';

const CLIENT_CHECKS = ['expiry.client-refreshes-once-and-retries', 'expiry.concurrent-401s-one-refresh'];

describe('withBrokenSignature', () => {
  test('keeps header and claims, changes the signature', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOnt9fQ.c2lnbmF0dXJlLWJ5dGVz';
    const broken = withBrokenSignature(token);
    const [header, claims, signature] = broken.split('.');
    expect(`${header}.${claims}`).toBe('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOnt9fQ');
    expect(signature).not.toBe('c2lnbmF0dXJlLWJ5dGVz');
    expect(signature).toHaveLength('c2lnbmF0dXJlLWJ5dGVz'.length);
  });

  test('refuses what is not a signed JWT', () => {
    expect(() => withBrokenSignature('opaque-token')).toThrow(/three segments/);
  });
});

describe('one-hour tokens, no clock control', () => {
  let running: ResolvedTarget;
  beforeAll(async () => {
    running = await resolveTarget({ env: {}, reference: { control: false, accessTokenSeconds: 3600 } });
  });
  afterAll(() => running?.close());

  test('the client checks run, through a token with a broken signature, and hold', async () => {
    const trace: string[] = [];
    const results = await runChecks(running.target, {
      only: CLIENT_CHECKS,
      trace: (line) => trace.push(line),
    });
    expect(results.filter((r) => CLIENT_CHECKS.includes(r.id)).map((r) => [r.id, r.status])).toEqual(
      CLIENT_CHECKS.map((id) => [id, 'passed']),
    );
    expect(trace.filter((line) => /broken signature/.test(line))).toHaveLength(2);
  });

  test('against a server that does not verify signatures, both fail, naming the missing 401', async () => {
    const broken = await resolveTarget({
      env: {},
      reference: { control: false, accessTokenSeconds: 3600, defects: ['signature-not-verified'] },
    });
    try {
      const results = await runChecks(broken.target, { only: CLIENT_CHECKS });
      const byId = new Map(results.map((r) => [r.id, r]));
      expect(byId.get(CLIENT_CHECKS[0]!)).toMatchObject({
        status: 'failed',
        reason: expect.stringContaining('expected 401 (access token refused by broken-signature)'),
      });
      expect(byId.get(CLIENT_CHECKS[1]!)).toMatchObject({
        status: 'failed',
        reason: expect.stringContaining('0 refresh calls for 20 concurrent 401s'),
      });
    } finally {
      await broken.close();
    }
  });
});
