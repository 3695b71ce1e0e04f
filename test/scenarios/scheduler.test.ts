// Checks sharing an account never overlap, a clock-moving check runs alone, and the rest run side by side.
import { describe, expect, test } from 'vitest';
import { defineCheck } from '../../src/scenarios/registry.ts';
import { claimOf } from '../../src/scenarios/runner.ts';
import { Scheduler } from '../../src/scenarios/scheduler.ts';
import type { Target } from '../../src/target/index.ts';

/** Runs claims through the scheduler, recording which tasks were running at the same time. */
async function overlaps(scheduler: Scheduler, claims: { name: string; slots: string[]; alone: boolean }[]) {
  const running = new Set<string>();
  const seenTogether = new Set<string>();
  let maxRunning = 0;
  await Promise.all(
    claims.map(({ name, ...claim }) =>
      scheduler.run(claim, async () => {
        running.add(name);
        maxRunning = Math.max(maxRunning, running.size);
        for (const other of running) if (other !== name) seenTogether.add([name, other].sort().join('+'));
        // Several turns of the event loop, so tasks that may overlap do.
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        running.delete(name);
      }),
    ),
  );
  return { seenTogether, maxRunning };
}

describe('Scheduler', () => {
  test('checks that share a slot never run at the same time', async () => {
    const { seenTogether } = await overlaps(new Scheduler(8), [
      { name: 'a', slots: ['recovery'], alone: false },
      { name: 'b', slots: ['recovery'], alone: false },
      { name: 'c', slots: [], alone: false },
    ]);
    expect(seenTogether.has('a+b')).toBe(false);
    expect(seenTogether.has('a+c') || seenTogether.has('b+c')).toBe(true);
  });

  test('a check that runs alone overlaps with nothing, and nothing overtakes it', async () => {
    const { seenTogether } = await overlaps(new Scheduler(8), [
      { name: 'a', slots: [], alone: false },
      { name: 'clock', slots: [], alone: true },
      { name: 'b', slots: [], alone: false },
    ]);
    expect([...seenTogether].filter((pair) => pair.includes('clock'))).toEqual([]);
  });

  test('independent checks run side by side up to the concurrency limit and no further', async () => {
    const claims = Array.from({ length: 10 }, (_, i) => ({ name: `c${i}`, slots: [], alone: false }));
    expect((await overlaps(new Scheduler(3), claims)).maxRunning).toBe(3);
  });
});

describe('claimOf', () => {
  const check = defineCheck({
    id: 'x.moves-clock',
    rule: 'moves the clock',
    kind: 'behaviour',
    enforces: 'lockout',
    uses: ['recovery'],
    disturbs: ['clock'],
    run: async () => {},
  });
  const target = (control: string | undefined) => ({ control }) as Target;

  test('a clock-moving check runs alone only when the target has clock control', () => {
    expect(claimOf(check, target('http://127.0.0.1:1/_control'))).toEqual({
      slots: ['recovery'],
      alone: true,
    });
    expect(claimOf(check, target(undefined))).toEqual({ slots: ['recovery'], alone: false });
  });
});
