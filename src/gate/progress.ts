/**
 * What the gate shows while it runs. On a terminal one status line is rewritten in place (which
 * layer, which check, how far along); anywhere else — CI logs, files — every event is a plain
 * line, because carriage returns make CI logs unreadable.
 */
import type { Writable } from 'node:stream';
import type { CheckResult, Layer } from '../report/types.ts';

export interface Progress {
  layer(layer: Layer, index: number, of: number, note?: string): void;
  check(result: CheckResult, done: number, of: number): void;
  line(text: string): void;
  end(): void;
}

const SYMBOL: Record<CheckResult['status'], string> = { passed: '✓', failed: '✗', skipped: '–' };

export function createProgress(
  out: Writable & { isTTY?: boolean },
  interactive = out.isTTY === true,
): Progress {
  let status = '';
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
  };
  let currentLayer: Layer | undefined;
  return {
    layer(layer, index, of, note) {
      currentLayer = layer;
      print(`[${index}/${of}] ${layer}${note ? ` — ${note}` : ''}`);
    },
    check(result, done, of) {
      // Failures always get their own line; passes only where lines are cheap (non-TTY).
      if (result.status === 'failed' || !interactive) {
        print(`  ${SYMBOL[result.status]} ${result.id}${result.reason ? ` — ${result.reason}` : ''}`);
      }
      if (interactive) {
        clear();
        status = `  ${currentLayer ?? ''} ${done}/${of}: ${result.id}`.slice(0, 120);
        redraw();
      }
    },
    line: print,
    end() {
      clear();
      status = '';
    },
  };
}
