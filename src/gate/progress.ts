/**
 * What the gate shows while it runs. On a terminal one status line is rewritten in place (which
 * layer, which check, how far along); anywhere else — CI logs, files — every event is a plain
 * line, because carriage returns make CI logs unreadable. Nothing goes quiet for longer than
 * `heartbeatMs`: a silent stretch gets a line saying which layer is busy, how far along it is and
 * what it waits for, until when.
 */
import type { Writable } from 'node:stream';
import type { CheckResult, Layer } from '../report/types.ts';
import { parseWaitLine } from '../target/ops/waits.ts';
import { replayLine, type VerificationEvent } from '../verify/live.ts';

export interface Progress {
  layer(layer: Layer, index: number, of: number, note?: string): void;
  check(result: CheckResult, done: number, of: number): void;
  line(text: string): void;
  /**
   * Something finished that is worth seeing as it happens (an interaction replayed): the status
   * line on a terminal, a plain line elsewhere. It counts as output, so it holds the heartbeat off.
   */
  step(text: string): void;
  /**
   * A wait has begun: what for, and when it ends at the latest (ms since the epoch). A definite
   * sleep is announced at once; an upper bound (a mailbox poll) only if it makes the run go quiet.
   * `owner` (a check id) ends the wait when that check reports.
   */
  wait(what: string, untilMs?: number, options?: { definite?: boolean; owner?: string }): void;
  end(): void;
}

export interface ProgressOptions {
  interactive?: boolean;
  /** Longest silence before a heartbeat line; default 5 s. */
  heartbeatMs?: number;
  now?: () => number;
}

const SYMBOL: Record<CheckResult['status'], string> = { passed: '✓', failed: '✗', skipped: '–' };

export function createProgress(
  out: Writable & { isTTY?: boolean },
  options: ProgressOptions | boolean = {},
): Progress {
  const settings = typeof options === 'boolean' ? { interactive: options } : options;
  const interactive = settings.interactive ?? out.isTTY === true;
  const heartbeatMs = settings.heartbeatMs ?? 5_000;
  const now = settings.now ?? Date.now;
  let status = '';
  let lastOutput = now();
  let currentLayer: Layer | undefined;
  let layerStarted = now();
  let counted = '';
  const waits = new Map<string, { what: string; untilMs: number | undefined }>();
  const latestWait = () => {
    const live = [...waits.values()].filter((w) => w.untilMs === undefined || w.untilMs > now());
    return live.at(-1);
  };

  const clear = () => {
    if (interactive && status) out.write('\r\x1b[K');
  };
  const redraw = () => {
    if (interactive && status) out.write(status);
  };
  const print = (text: string) => {
    clear();
    out.write(`${text}\n`);
    redraw();
    lastOutput = now();
  };
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  const heartbeat = () => {
    if (currentLayer === undefined || now() - lastOutput < heartbeatMs) return;
    const elapsed = Math.round((now() - layerStarted) / 1000);
    const waiting = latestWait();
    const wait = waiting
      ? `; waiting for ${waiting.what}${waiting.untilMs === undefined ? '' : ` until ${clock(waiting.untilMs)} UTC`}`
      : '';
    const text = `  … ${currentLayer} still running (${elapsed} s${counted ? `, ${counted} done` : ''})${wait}`;
    if (interactive) {
      clear();
      status = text.slice(0, 160);
      redraw();
      lastOutput = now();
    } else {
      print(text);
    }
  };
  const timer = setInterval(heartbeat, Math.min(1_000, heartbeatMs));
  timer.unref();

  return {
    layer(layer, index, of, note) {
      currentLayer = layer;
      layerStarted = now();
      counted = '';
      waits.clear();
      print(`[${index}/${of}] ${layer}${note ? ` — ${note}` : ''}`);
    },
    check(result, done, of) {
      counted = `${done}/${of}`;
      waits.delete(result.id);
      // Failures always get their own line; passes only where lines are cheap (non-TTY).
      if (result.status === 'failed' || !interactive) {
        print(`  ${SYMBOL[result.status]} ${result.id}${result.reason ? ` — ${result.reason}` : ''}`);
      }
      if (interactive) {
        clear();
        status = `  ${currentLayer ?? ''} ${done}/${of}: ${result.id}`.slice(0, 120);
        redraw();
        lastOutput = now();
      }
    },
    line: print,
    step(text) {
      if (!interactive) return print(text);
      clear();
      status = text.slice(0, 160);
      redraw();
      lastOutput = now();
    },
    wait(what, untilMs, options = {}) {
      waits.delete(options.owner ?? what);
      waits.set(options.owner ?? what, { what, untilMs });
      if (options.definite !== false) {
        print(`  ⏳ waiting for ${what}${untilMs === undefined ? '' : ` until ${clock(untilMs)} UTC`}`);
      }
    },
    end() {
      clearInterval(timer);
      clear();
      status = '';
    },
  };
}

/**
 * A trace line that starts a wait (see target/ops/waits.ts) becomes a progress wait: what for, and
 * until when. Any other line is ignored, so every trace can be passed through here.
 */
export function announceWait(progress: Progress, line: string, now = Date.now()): void {
  const wait = parseWaitLine(line);
  if (!wait) return;
  const owner = wait.owner?.split(' ')[0];
  progress.wait(owner ? `${wait.what} (${wait.owner})` : wait.what, now + wait.seconds * 1000, {
    // "waiting up to" is a bound (mail usually comes at once): only a silence makes it worth a line.
    definite: !wait.upTo,
    ...(owner ? { owner } : {}),
  });
}

/** Verification as it happens: a line per interaction answered, and the waits of its state handlers. */
export function showVerification(progress: Progress, event: VerificationEvent): void {
  if (event.kind === 'replayed') progress.step(`  ${replayLine(event)}`);
  else progress.wait(`${event.what} (a provider state)`, event.untilMs, { definite: event.definite });
}
