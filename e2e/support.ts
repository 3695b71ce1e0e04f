/**
 * What the end-to-end gate tests share: a private copy of the pacts (the contracts project
 * rewrites reports/pacts whenever it runs), a sink that keeps the gate's progress output, and
 * one gate run against a target file with both.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createProgress, type Progress } from '../src/gate/progress.ts';
import { runGate } from '../src/gate/run.ts';
import { PACT_DIR } from '../src/pact/pact-files.ts';
import { ensurePacts } from '../src/verify/write-pacts.ts';

/** The consumer pacts, written first if no contracts run has left any, copied to a private folder. */
export async function privatePacts(): Promise<string> {
  await ensurePacts();
  const dir = await mkdtemp(join(tmpdir(), 'facilioo-e2e-pacts-'));
  await cp(PACT_DIR, dir, { recursive: true });
  return dir;
}

export function captureProgress(): { progress: Progress; output: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { progress: createProgress(sink, false), output: () => chunks.join('') };
}

/** The whole gate against `target`, not strict, its reports under `reportDir`, its progress kept. */
export async function gateRun(target: string, reportDir: string, pactDir: string) {
  const { progress, output } = captureProgress();
  const result = await runGate({ target, env: {}, strictSecurity: false, reportDir, pactDir, progress });
  return { result, output };
}
