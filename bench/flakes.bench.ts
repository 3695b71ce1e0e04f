/**
 * `npm run bench:flakes`: how often the gate fails by chance. It runs the gate on the embedded
 * reference API RUNS times in a row (default 200) while busy loops keep every core loaded, and
 * prints failures / runs and which checks failed. A correct gate on a correct API must never
 * fail, so the goal is 0 — any failure here is a flake to fix at its cause.
 *
 *   npm run bench:flakes -- [--runs N] [--hogs N] [--parallel N] [--layer gate|contracts]
 *
 * --hogs      busy-loop processes beside the runs (default: one per core)
 * --parallel  gates at once (default 1; 2 reproduces "two gates at once")
 * --layer     `contracts` runs only the consumer contracts (where the pact mock-server race
 *             lived), a few seconds a run instead of the whole gate
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    hogs: { type: 'string', default: String(availableParallelism()) },
    parallel: { type: 'string', default: '1' },
    layer: { type: 'string', default: 'gate' },
  },
});

function positive(name: string, text: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`bench:flakes: --${name} must be an integer ≥ ${min}, got "${text}"`);
    process.exit(2);
  }
  return value;
}
const runs = positive('runs', values.runs);
const hogs = positive('hogs', values.hogs, 0);
const parallel = positive('parallel', values.parallel);
const layer = values.layer;
if (layer !== 'gate' && layer !== 'contracts') {
  console.error(`bench:flakes: --layer must be gate or contracts, got "${layer}"`);
  process.exit(2);
}

interface RunResult {
  ok: boolean;
  seconds: number;
  failed: string[];
}

function exec(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('exit', (code) => done({ code: code ?? 1, output }));
  });
}

/** Failed check ids from a report JSON (the gate's summary.json or vitest's JSON report). */
async function failedChecks(file: string): Promise<string[]> {
  try {
    const json = JSON.parse(await readFile(file, 'utf8'));
    if (Array.isArray(json.layers)) {
      const checks: { id: string; status: string }[] = json.layers.flatMap(
        (l: { checks: unknown[] }) => l.checks,
      );
      return checks.filter((c) => c.status === 'failed').map((c) => c.id);
    }
    const failed: string[] = [];
    for (const file of json.testResults ?? []) {
      for (const test of file.assertionResults ?? []) {
        if (test.status === 'failed') failed.push(test.fullName ?? test.title);
      }
      if (file.status === 'failed' && (file.assertionResults ?? []).length === 0)
        failed.push(`${file.name} (load)`);
    }
    return failed;
  } catch {
    return ['(no report written)'];
  }
}

async function once(scratch: string, index: number): Promise<RunResult> {
  const dir = join(scratch, `run-${index}`);
  const started = performance.now();
  let code: number;
  let report: string;
  if (layer === 'gate') {
    ({ code } = await exec(['bin/facilioo-auth.js', 'gate', '--report-dir', dir], process.env));
    report = join(dir, 'summary.json');
  } else {
    const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    report = join(dir, 'vitest.json');
    ({ code } = await exec(
      [vitest, 'run', '--project', 'contracts', '--reporter=json', `--outputFile.json=${report}`],
      {
        ...process.env,
        FACILIOO_PACT_DIR: join(dir, 'pacts'),
      },
    ));
  }
  const failed = code === 0 ? [] : await failedChecks(report);
  if (code !== 0 && failed.length === 0) failed.push(`(exit ${code}, no failed check named)`);
  await rm(dir, { recursive: true, force: true });
  return { ok: code === 0, seconds: (performance.now() - started) / 1000, failed };
}

const hogProcesses: ChildProcess[] = [];
for (let i = 0; i < hogs; i++) {
  hogProcesses.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}
const stopHogs = () => {
  for (const hog of hogProcesses) hog.kill('SIGKILL');
};
process.on('exit', stopHogs);
process.on('SIGINT', () => process.exit(130));

const scratch = await mkdtemp(join(tmpdir(), 'facilioo-auth-flakes-'));
console.log(
  `bench:flakes: ${runs} ${layer} runs, ${parallel} at a time, beside ${hogs} busy loop(s) on ${availableParallelism()} cores (Node ${process.version})`,
);
const results: RunResult[] = [];
let next = 0;
async function worker(): Promise<void> {
  while (next < runs) {
    const index = next++;
    const result = await once(scratch, index);
    results.push(result);
    const failures = results.filter((r) => !r.ok).length;
    console.log(
      `run ${String(results.length).padStart(String(runs).length)}/${runs}: ${result.ok ? 'pass' : `FAIL ${result.failed.join(', ')}`} (${result.seconds.toFixed(1)} s; ${failures} failed so far; load ${loadavg()[0]!.toFixed(1)})`,
    );
  }
}
await Promise.all(Array.from({ length: parallel }, () => worker()));
stopHogs();
await rm(scratch, { recursive: true, force: true });

const failures = results.filter((r) => !r.ok);
const byCheck = new Map<string, number>();
for (const failure of failures) for (const id of failure.failed) byCheck.set(id, (byCheck.get(id) ?? 0) + 1);
const seconds = results.map((r) => r.seconds).sort((a, b) => a - b);
console.log('');
console.log(`failures / runs: ${failures.length} / ${results.length} (goal 0)`);
console.log(
  `run time: median ${seconds[Math.floor(seconds.length / 2)]!.toFixed(1)} s, max ${seconds.at(-1)!.toFixed(1)} s`,
);
for (const [id, count] of [...byCheck].sort((a, b) => b[1] - a[1])) console.log(`  ${count}× ${id}`);
process.exitCode = failures.length === 0 ? 0 : 1;
