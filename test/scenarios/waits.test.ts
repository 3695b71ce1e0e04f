// Against a target without clock control the suite waits only as long as the target file allows, says so, and otherwise skips with the reason.
import { afterEach, describe, expect, test } from 'vitest';
import { runChecks } from '../../src/scenarios/runner.ts';
import type { ResolvedTarget, Target } from '../../src/target/index.ts';
import { startTarget } from './reference-target.ts';

let running: ResolvedTarget | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const withMaxWait = (seconds: number) => (target: Target) => ({
  ...target,
  options: { ...target.options, maxWaitSeconds: seconds },
});

describe('waiting without clock control', () => {
  test('a check needing an expired token is skipped when expiry is further away than maxWaitSeconds', async () => {
    running = await startTarget({ control: false });
    const results = await runChecks(withMaxWait(5)(running.target), {
      only: ['expiry.expired-token-gets-401'],
    });
    expect(results[0]).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(
        /expires in \d+ s, more than options\.maxWaitSeconds \(5 s\).* no clock control/,
      ),
    });
  });

  test('a rate limit that clears within maxWaitSeconds is waited out as told, and the trace says so', async () => {
    running = await startTarget({ control: false, limits: { permitLimit: 1, windowSeconds: 2 } });
    const trace: string[] = [];
    const results = await runChecks(withMaxWait(10)(running.target), {
      only: ['recover.same-answer-for-unknown-address'],
      trace: (line) => trace.push(line),
    });
    expect(results[0]).toMatchObject({ status: 'passed' });
    expect(trace.some((line) => /→ 429 .*\(rate limited: waiting \d+ s as told\)/.test(line))).toBe(true);
  });

  test('a rate limit that outlasts maxWaitSeconds skips the check with the reason', async () => {
    running = await startTarget({ control: false, limits: { permitLimit: 1, windowSeconds: 600 } });
    const results = await runChecks(withMaxWait(1)(running.target), {
      only: ['recover.same-answer-for-unknown-address'],
    });
    expect(results[0]).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('stayed rate limited (429) beyond options.maxWaitSeconds (1 s)'),
    });
  });
});
