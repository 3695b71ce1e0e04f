// A target that still accepts a token for a while after exp (ASP.NET's ClockSkew) is tested
// honestly once the target file says so: the expiry check waits past the leeway, and without
// that option the same server fails it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import { runChecks } from '../../src/scenarios/runner.ts';
import { msUntilRefused, parseTarget } from '../../src/target/index.ts';
import { sharedKeys } from './reference-target.ts';

describe('options.tokenLeewaySeconds', () => {
  test('the wait for refusal is exp plus the leeway plus one second', () => {
    const exp = 1_000;
    const target = (tokenLeewaySeconds: number) => ({
      options: {
        tokenLeewaySeconds,
        refreshTokenIn: 'body',
        refreshTokenShape: 'string',
        recoveryCodeType: 'string',
        maxWaitSeconds: 60,
        requestTimeoutSeconds: 10,
      } as const,
    });
    expect(msUntilRefused(exp, 990_000, target(0))).toBe(11_000);
    expect(msUntilRefused(exp, 990_000, target(300))).toBe(311_000);
  });

  // Both runs wait for real expiry, so they run side by side, on one-second tokens. The leeway
  // stays 2 s: the run without the option waits until 1 s past exp, a full second inside it.
  describe('against a reference API that accepts tokens 2 s past exp, without clock control', () => {
    let api: RunningReferenceApi;
    beforeAll(async () => {
      api = await startReferenceApi({
        keys: await sharedKeys(),
        host: '127.0.0.1',
        port: 0,
        accessTokenSeconds: 1,
        leewaySeconds: 2,
      });
    });
    afterAll(() => api.close());

    const run = (tokenLeewaySeconds: number) => {
      const document = api.targetDocument([]);
      const target = parseTarget(
        {
          ...document,
          control: null,
          options: { ...document.options, tokenLeewaySeconds, maxWaitSeconds: 10 },
        },
        { source: 'leeway test', baseDir: process.cwd(), env: {} },
      );
      return runChecks(target, { only: ['expiry.expired-token-gets-401'] });
    };

    test.concurrent('with the leeway in the target file, the expired token is refused', async () => {
      const [result] = await run(2);
      expect(result?.status, result?.reason).toBe('passed');
    });

    test.concurrent('without it, the check waits too little and fails, naming the token as still accepted', async () => {
      const [result] = await run(0);
      expect(result?.status).toBe('failed');
      expect(result?.reason).toMatch(/expired access token was accepted \(200\)/);
    });
  });
});
