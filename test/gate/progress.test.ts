// The gate never goes quiet for more than about 5 s: a silent stretch gets a line naming the busy
// layer and what it waits for, until when; a wait says so when it starts.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { announceWait, createProgress } from '../../src/gate/progress.ts';

function sink() {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { out, text: () => chunks.join('') };
}

const START = Date.parse('2026-12-01T01:00:00.000Z');

describe('progress', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: START });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('silence past 5 s gets a heartbeat line naming the layer and how far it is', () => {
    const { out, text } = sink();
    const progress = createProgress(out, { interactive: false });
    progress.layer('verification', 2, 3, 'the pacts replayed against the target');
    vi.advanceTimersByTime(4_000);
    expect(text()).not.toContain('still running');
    vi.advanceTimersByTime(2_000);
    expect(text()).toContain('  … verification still running (5 s)');
    progress.end();
  });

  test('a definite wait (token expiry) says at once what for and until when', () => {
    const { out, text } = sink();
    const progress = createProgress(out, { interactive: false });
    progress.layer('scenarios', 3, 3);
    announceWait(
      progress,
      '[expiry.expired-token-gets-401] waiting 9 s for the access token to expire (no clock control)',
      START,
    );
    expect(text()).toContain(
      '⏳ waiting for the access token to expire (no clock control) (expiry.expired-token-gets-401) until 01:00:09 UTC',
    );
    progress.end();
  });

  test('a bounded wait (the mailbox) is named only when it makes the run go quiet, until its check ends', () => {
    const { out, text } = sink();
    const progress = createProgress(out, { interactive: false });
    progress.layer('scenarios', 3, 3);
    announceWait(
      progress,
      '[lockout.five-wrong-codes-block] waiting up to 60 s for the recovery code to r@x.test in the mailbox http://127.0.0.1:1/mailbox',
      START,
    );
    expect(text()).not.toContain('⏳');
    vi.advanceTimersByTime(6_000);
    expect(text()).toMatch(
      /… scenarios still running \(\d s\); waiting for the recovery code to r@x\.test in the mailbox .* until 01:01:00 UTC/,
    );
    progress.check(
      {
        layer: 'scenarios',
        id: 'lockout.five-wrong-codes-block',
        rule: 'r',
        kind: 'behaviour',
        status: 'passed',
        durationMs: 1,
      },
      1,
      37,
    );
    vi.advanceTimersByTime(6_000);
    expect(text().trim().split('\n').at(-1)).toMatch(/^ {2}… scenarios still running \(\d+ s, 1\/37 done\)$/);
    progress.end();
  });

  test('trace lines that are not waits are not announced', () => {
    const { out, text } = sink();
    const progress = createProgress(out, { interactive: false });
    announceWait(progress, '[refresh.rotates] POST /api/auth/refresh → 200 (12 ms)');
    expect(text()).toBe('');
    progress.end();
  });

  test('on a terminal the heartbeat rewrites the status line instead of adding lines', () => {
    const { out, text } = sink();
    const progress = createProgress(out, { interactive: true });
    progress.layer('scenarios', 3, 3);
    vi.advanceTimersByTime(6_000);
    expect(text()).toMatch(/\[3\/3\] scenarios\n {2}… scenarios still running/);
    expect(text().split('\n')).toHaveLength(2);
    progress.end();
  });

  test('a step (an interaction answered) is a plain line in a log and the rewritten status line on a terminal', () => {
    const step = 'verification: 1/18 login · "a login with a wrong password" → 400 in 35 ms';
    const plain = sink();
    const log = createProgress(plain.out, { interactive: false });
    log.layer('verification', 2, 3);
    log.step(step);
    log.step(step.replace('1/18', '2/18'));
    expect(plain.text().split('\n').filter(Boolean)).toEqual([
      '[2/3] verification',
      step,
      step.replace('1/18', '2/18'),
    ]);
    log.end();

    const tty = sink();
    const live = createProgress(tty.out, { interactive: true });
    live.layer('verification', 2, 3);
    live.step(step);
    live.step(step.replace('1/18', '2/18'));
    // One line for the layer; the steps share one status line, each clearing the last.
    expect(tty.text().split('\n')).toHaveLength(2);
    expect(tty.text()).toContain(`\r\x1b[K${step.replace('1/18', '2/18')}`);
    // A step is output: no heartbeat while steps keep coming.
    vi.advanceTimersByTime(4_000);
    live.step(step.replace('1/18', '3/18'));
    vi.advanceTimersByTime(4_000);
    expect(tty.text()).not.toContain('still running');
    live.end();
  });
});
