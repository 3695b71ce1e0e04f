// No silence over ~5 s in any layer: a real wait of a scenario check and of a verification state
// handler announces itself at once (what for, until when) and keeps a line coming every ~5 s while
// it lasts. The waits run on a virtual clock (the injected sleep moves the server's clock), and the
// progress display on fake timers: nothing here depends on real time.
import { Writable } from 'node:stream';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { announceWait, createProgress, showVerification } from '../../src/gate/progress.ts';
import { STATES } from '../../src/pact/states.ts';
import { ControllableClock } from '../../src/reference-api/clock.ts';
import { runChecks } from '../../src/scenarios/runner.ts';
import type { ResolvedTarget, Target } from '../../src/target/index.ts';
import { waitStarted } from '../../src/verify/live.ts';
import { createStateHandlers } from '../../src/verify/state-handlers.ts';
import { startTarget } from '../scenarios/reference-target.ts';

const START = Date.parse('2026-12-01T01:00:00.000Z');

let running: ResolvedTarget | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await running?.close();
  running = undefined;
});

/** A target without clock control whose waits are virtual: sleeping moves the server's clock. */
async function virtualTarget(options: Parameters<typeof startTarget>[0]) {
  const clock = new ControllableClock();
  running = await startTarget({ control: false, clock, ...options });
  const target: Target = {
    ...running.target,
    options: { ...running.target.options, maxWaitSeconds: 60 },
  };
  const slept: number[] = [];
  const sleep = async (ms: number) => {
    slept.push(ms);
    clock.advance(ms);
  };
  return { target, sleep, slept };
}

/** What a progress display prints over `seconds` of silence after `announce`, on fake timers. */
function silence(
  layer: 'scenarios' | 'verification',
  seconds: number,
  announce: (p: ReturnType<typeof createProgress>) => void,
) {
  vi.useFakeTimers({ now: START });
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const progress = createProgress(out, { interactive: false });
  progress.layer(layer, 1, 1);
  announce(progress);
  vi.advanceTimersByTime(seconds * 1000);
  progress.end();
  return chunks.join('').split('\n').filter(Boolean);
}

describe('a long wait is never silent', () => {
  test('scenarios: waiting for a 30 s token to expire says so at once and then every ~5 s', async () => {
    const { target, sleep, slept } = await virtualTarget({ accessTokenSeconds: 30 });
    const trace: string[] = [];
    const [result] = await runChecks(target, {
      only: ['expiry.expired-token-gets-401'],
      trace: (line) => trace.push(line),
      sleep,
    });
    expect(result).toMatchObject({ status: 'passed' });
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThan(25_000);

    const lines = silence('scenarios', 21, (progress) => {
      for (const line of trace) announceWait(progress, line, START);
    });
    const announced = lines.filter((line) => line.includes('⏳ waiting for the access token to expire'));
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatch(/until 01:00:(29|30|31) UTC/);
    const beats = lines.filter((line) =>
      /… scenarios still running .*waiting for the access token to expire .*until 01:00:\d\d UTC/.test(line),
    );
    // 21 s of silence after the announcement: a line at 5, 10, 15 and 20 s.
    expect(beats.length).toBeGreaterThanOrEqual(4);
  });

  test('verification: a state handler waiting out a 30 s rate-limit window says so at once and then every ~5 s', async () => {
    const { target, sleep, slept } = await virtualTarget({
      limits: { algorithm: 'fixed-window', permitLimit: 2, windowSeconds: 30, routes: ['recoverPassword'] },
    });
    const trace: string[] = [];
    const set = createStateHandlers(target, { sleep, trace: (line) => trace.push(line) });
    try {
      await set.stateHandlers[STATES.unknownAddress.name]!.setup({});
    } finally {
      await set.close();
    }
    expect(slept).toHaveLength(1);

    const lines = silence('verification', 21, (progress) => {
      for (const line of trace) {
        const wait = waitStarted(line, START);
        if (wait) showVerification(progress, wait);
      }
    });
    expect(
      lines.filter((line) => line.includes('⏳ waiting for the recover-password limit to open again')),
    ).toHaveLength(1);
    const beats = lines.filter((line) =>
      /… verification still running .*waiting for the recover-password limit to open again .*until 01:00:\d\d UTC/.test(
        line,
      ),
    );
    expect(beats.length).toBeGreaterThanOrEqual(4);
  });
});
