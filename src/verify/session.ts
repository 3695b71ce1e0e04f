/**
 * A verification worker process kept for several runs. Starting one costs seconds (the Pact core
 * and the TypeScript sources load), so a caller verifying many times — the defect table runs
 * once per defect — opens a session and passes it to each verifyPacts call.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import type { VerificationEvent } from './live.ts';
import {
  endMarker,
  type WorkerInput,
  type WorkerOutput,
  type WorkerProgress,
  type WorkerRequest,
  type WorkerResponse,
} from './worker.ts';

const WORKER = fileURLToPath(new URL('./worker-entry.ts', import.meta.url));
/** The package root: `--import tsx` resolves from the child's working directory. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface VerificationSession {
  /**
   * Runs one verification in the worker: its answer and its (unredacted) output. `onEvent` hears
   * each replayed interaction and each wait as it happens (already redacted in the worker).
   */
  run(
    input: WorkerInput,
    timeoutMs: number,
    onEvent?: (event: VerificationEvent) => void,
  ): Promise<{ output: WorkerOutput; log: string }>;
  close(): Promise<void>;
}

const crashed = (crash: string): WorkerOutput => ({ report: undefined, crash, events: [], secrets: [] });

export function openVerificationSession(): VerificationSession {
  let child: ChildProcess | undefined;
  let nextId = 1;
  let buffer = '';
  let queue = Promise.resolve();

  const start = (): ChildProcess => {
    const started = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      cwd: ROOT,
      // Only what the worker is given: PACT_* variables in our environment must not steer the Pact core.
      env: { PACT_DO_NOT_TRACK: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const collect = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
    };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    started.once('exit', () => {
      if (child === started) child = undefined;
    });
    return started;
  };

  const runOnce = (input: WorkerInput, timeoutMs: number, onEvent?: (event: VerificationEvent) => void) =>
    new Promise<{ output: WorkerOutput; log: string }>((resolve) => {
      child ??= start();
      const worker = child;
      const id = nextId++;
      const marker = endMarker(id);
      let response: WorkerOutput | undefined;
      const finish = (output: WorkerOutput) => {
        clearTimeout(timer);
        clearInterval(poll);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        const end = buffer.indexOf(marker);
        const log = end >= 0 ? buffer.slice(0, end) : buffer;
        buffer = end >= 0 ? buffer.slice(end + marker.length) : '';
        // The Pact core writes ANSI colours even to a pipe.
        resolve({ output, log: stripVTControlCharacters(log) });
      };
      // The answer and the end of the output travel on different pipes: wait for both.
      const poll = setInterval(() => {
        if (response && buffer.includes(marker)) finish(response);
      }, 10);
      const onMessage = (message: WorkerResponse | WorkerProgress) => {
        if (message.id !== id) return;
        if ('event' in message) onEvent?.(message.event);
        else response = message.output;
      };
      const onExit = (code: number | null, signal: string | null) => {
        finish(
          response ??
            crashed(`the verification worker exited with ${signal ?? `code ${code}`} before reporting`),
        );
      };
      const timer = setTimeout(() => {
        worker.kill('SIGKILL');
        finish(
          crashed(`verification did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`),
        );
      }, timeoutMs);
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      const request: WorkerRequest = { id, input };
      worker.send(request);
    });

  return {
    run(input, timeoutMs, onEvent) {
      // Runs never overlap: the output pipe is shared.
      const result = queue.then(() => runOnce(input, timeoutMs, onEvent));
      queue = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
    async close() {
      await queue;
      const worker = child;
      if (!worker) return;
      child = undefined;
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.disconnect();
        setTimeout(() => worker.kill('SIGKILL'), 5_000).unref();
      });
    },
  };
}
