// A limiter that queues requests over its limit answers them late, not refused: the rate-limit
// check meets it with a burst past the declared queue, and without the declaration says what to add.
import { afterEach, expect, test } from 'vitest';
import { runChecks } from '../../src/scenarios/runner.ts';
import type { RateLimitOptions, ResolvedTarget } from '../../src/target/index.ts';
import { startTarget } from './reference-target.ts';

let running: ResolvedTarget | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function limitedCheck(rateLimit: RateLimitOptions, defects: 'no-rate-limit'[] = []) {
  running = await startTarget({ limits: { permitLimit: 5, windowSeconds: 2, queueLimit: 3 }, defects });
  const target = { ...running.target, options: { ...running.target.options, rateLimit } };
  const [result] = await runChecks(target, { only: ['rate-limit.recover-password-limited'] });
  return result;
}

const QUEUE = { windowSeconds: 2, permitLimit: 5, queueLimit: 3 };

test('with the queue declared, the burst meets the limit', async () => {
  expect(await limitedCheck(QUEUE)).toMatchObject({ status: 'passed' });
});

test('with the queue declared, a server with no limit fails the check', async () => {
  expect(await limitedCheck(QUEUE, ['no-rate-limit'])).toMatchObject({
    status: 'failed',
    reason: expect.stringContaining('(at once, past the declared queue of 3) met no rate limit'),
  });
});

test('without the declaration, the queued answers read as no limit, and the failure names what to declare', async () => {
  expect(await limitedCheck({ windowSeconds: 2 })).toMatchObject({
    status: 'failed',
    reason: expect.stringContaining('declare options.rateLimit.queueLimit'),
  });
});
