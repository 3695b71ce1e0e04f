/**
 * `npm run bench:scenarios`: how long the whole scenario suite takes against the embedded
 * reference API, where clock control removes every real wait. Goal: ≤ 10 s on a 2-core machine.
 *
 * 1. In process: start the embedded reference API (resolveTarget, keys included) and run every
 *    check with runChecks — the suite's own cost, measured RUNS times (median reported).
 * 2. As a user runs it: `facilioo-auth scenarios` in a child process, vitest underneath,
 *    including Node/tsx start-up and vitest's collection.
 *
 * Numbers depend on whatever else runs on the machine; the load average is printed beside them.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runChecks } from '../src/scenarios/runner.ts';
import { resolveTarget } from '../src/target/index.ts';

const RUNS = 3;
const GOAL_SECONDS = 10;
const ROOT = resolve(import.meta.dirname, '..');

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function inProcess(): Promise<{ startMs: number; checksMs: number; failed: number; checks: number }> {
  const started = performance.now();
  const resolved = await resolveTarget({ env: {} });
  const startMs = performance.now() - started;
  try {
    const checksStarted = performance.now();
    const results = await runChecks(resolved.target);
    return {
      startMs,
      checksMs: performance.now() - checksStarted,
      failed: results.filter((result) => result.status === 'failed').length,
      checks: results.length,
    };
  } finally {
    await resolved.close();
  }
}

async function throughCli(): Promise<{ ms: number; code: number | null }> {
  const reportDir = await mkdtemp(join(tmpdir(), 'bench-scenarios-'));
  const started = performance.now();
  try {
    const code = await new Promise<number | null>((done) => {
      const child = spawn(
        process.execPath,
        ['bin/facilioo-auth.js', 'scenarios', '--report-dir', reportDir],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '' },
          stdio: 'ignore',
        },
      );
      child.on('exit', done);
    });
    return { ms: performance.now() - started, code };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

console.log(
  `scenario suite benchmark — ${availableParallelism()} cores, load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);
const runs = [];
for (let i = 0; i < RUNS; i++) {
  const run = await inProcess();
  runs.push(run);
  console.log(
    `  in process, run ${i + 1}: start ${seconds(run.startMs)} s + ${run.checks} checks ${seconds(run.checksMs)} s = ${seconds(run.startMs + run.checksMs)} s (${run.failed} failed)`,
  );
}
const total = median(runs.map((run) => run.startMs + run.checksMs));
const cli = await throughCli();
console.log(`  facilioo-auth scenarios (vitest underneath): ${seconds(cli.ms)} s, exit ${cli.code}`);
console.log(
  `median in process: ${seconds(total)} s — goal ≤ ${GOAL_SECONDS} s: ${total / 1000 <= GOAL_SECONDS ? 'met' : 'MISSED'}; through the CLI: ${seconds(cli.ms)} s (${cli.ms / 1000 <= GOAL_SECONDS ? 'met' : 'MISSED'})`,
);
