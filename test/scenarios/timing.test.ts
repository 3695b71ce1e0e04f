// The timing check tells a server that leaks from a machine that was busy for a moment: five pairs
// over the budget are measured again on fifteen, and those decide.
import { afterEach, expect, test } from 'vitest';
import { runChecks } from '../../src/scenarios/runner.ts';
import type { ResolvedTarget } from '../../src/target/index.ts';
import { startTarget } from './reference-target.ts';
import { startTamperingProxy, type TamperingProxy } from './tampering-proxy.ts';

const CHECK = 'recover.same-timing-for-unknown-address';
let running: ResolvedTarget | undefined;
let proxy: TamperingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await running?.close();
  proxy = running = undefined;
});

/** The check through a proxy that holds the known address's first `heldAnswers` requests 60 ms each. */
async function timingThrough(heldAnswers: number) {
  running = await startTarget();
  const known = running.target.accounts.recovery!.email;
  let held = 0;
  proxy = await startTamperingProxy(
    running.target.baseUrl,
    (_path, _status, body) => body,
    (path, body) =>
      path.endsWith('/recover-password') && body.includes(known) && held++ < heldAnswers ? 60 : 0,
  );
  const trace: string[] = [];
  const [result] = await runChecks(
    { ...running.target, baseUrl: proxy.url },
    { only: [CHECK], trace: (line) => trace.push(line) },
  );
  return { result, pairs: /\((\d+) pairs\)/.exec(trace.find((line) => line.includes('median')) ?? '')?.[1] };
}

test('a moment of slowness on every known answer of the first five pairs passes on fifteen', async () => {
  const { result, pairs } = await timingThrough(5);
  expect(result, result?.reason).toMatchObject({ status: 'passed' });
  expect(pairs).toBe('15');
});

test('a clean server on a quiet machine is settled by five pairs', async () => {
  const { result, pairs } = await timingThrough(0);
  expect(result).toMatchObject({ status: 'passed' });
  expect(pairs).toBe('5');
});

test('a difference that lasts fails on fifteen pairs', async () => {
  const { result, pairs } = await timingThrough(1_000);
  expect(result).toMatchObject({ status: 'failed' });
  expect(result?.reason).toMatch(/known address is answered \d+ ms slower \(median of 15 pairs/);
  expect(pairs).toBe('15');
});
