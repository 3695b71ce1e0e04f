/**
 * `npm run bench:tests`: how long a developer waits for the tests. Goals on a 2-core machine
 * when it is otherwise idle: `npm test` (every project) ≤ 180 s, `npm run test:unit` ≤ 30 s.
 *
 * It runs vitest through its node API with the project's own config — the same run `npm test`
 * starts — and then the unit projects alone (what `test:unit` starts), and prints for each:
 * wall time against its goal, the span of each vitest project inside the run, and the slowest
 * test files (wall time from queued to done, so imports and beforeAll hooks count).
 * `--only all` or `--only unit` runs one of the two; `--json FILE` overrides where the figures go
 * (default reports/bench/tests.json); `--max-workers N` sets the worker count of projects that set none, to
 * try what a change to vitest.config.ts would give before making it. Exit 1 when a test failed: a fast red run proves nothing.
 *
 * Figures depend on whatever else runs on the machine; the load average is printed beside them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const ROOT = resolve(import.meta.dirname, '..');
const GOALS = { all: 180, unit: 30 } as const;
type RunName = keyof typeof GOALS;
const SLOWEST = 10;

interface FileTiming {
  file: string;
  project: string;
  seconds: number;
}

interface RunFigures {
  run: RunName;
  command: string;
  goalSeconds: number;
  wallSeconds: number;
  ratio: number;
  ok: boolean;
  loadBefore: number;
  loadAfter: number;
  projects: { name: string; seconds: number; files: number }[];
  files: FileTiming[];
}

/** Wall time per test module, from the moment vitest queues it until its last hook ends. */
class TimingReporter implements Reporter {
  readonly #queued = new Map<string, number>();
  readonly timings: (FileTiming & { start: number; end: number })[] = [];

  onTestModuleQueued(module: TestModule): void {
    this.#queued.set(this.#key(module), performance.now());
  }

  onTestModuleEnd(module: TestModule): void {
    const end = performance.now();
    const start = this.#queued.get(this.#key(module)) ?? end;
    this.timings.push({
      file: relative(ROOT, module.moduleId),
      project: module.project.name,
      seconds: (end - start) / 1000,
      start,
      end,
    });
  }

  #key(module: TestModule): string {
    return `${module.project.name}\0${module.moduleId}`;
  }
}

async function measure(run: RunName, maxWorkers?: number): Promise<{ figures: RunFigures; failed: boolean }> {
  const timings = new TimingReporter();
  const loadBefore = loadavg()[0] ?? 0;
  const started = performance.now();
  const { startVitest } = await import('vitest/node');
  const vitest = await startVitest('test', [], {
    root: ROOT,
    run: true,
    watch: false,
    ...(run === 'unit' ? { project: ['unit', 'unit-isolated'] } : {}),
    // An experiment's override of every project's worker count (the config's own when absent).
    ...(maxWorkers ? { maxWorkers } : {}),
    reporters: ['dot', timings],
  });
  await vitest.close();
  const wallSeconds = (performance.now() - started) / 1000;
  const failed = vitest.state.getCountOfFailedTests() > 0 || vitest.state.getUnhandledErrors().length > 0;
  const byProject = new Map<string, typeof timings.timings>();
  for (const timing of timings.timings) {
    byProject.set(timing.project, [...(byProject.get(timing.project) ?? []), timing]);
  }
  const projects = [...byProject].map(([name, files]) => ({
    name,
    seconds: (Math.max(...files.map((f) => f.end)) - Math.min(...files.map((f) => f.start))) / 1000,
    files: files.length,
  }));
  const goalSeconds = GOALS[run];
  return {
    failed,
    figures: {
      run,
      command: run === 'unit' ? 'npm run test:unit' : 'npm test',
      goalSeconds,
      wallSeconds,
      ratio: wallSeconds / goalSeconds,
      ok: wallSeconds <= goalSeconds,
      loadBefore,
      loadAfter: loadavg()[0] ?? 0,
      projects: projects.sort((a, b) => b.seconds - a.seconds),
      files: timings.timings
        .map(({ file, project, seconds }) => ({ file, project, seconds }))
        .sort((a, b) => b.seconds - a.seconds),
    },
  };
}

const s = (seconds: number) => `${seconds.toFixed(1)} s`;

function print(figures: RunFigures): void {
  const lines = [
    '',
    `${figures.command}: ${s(figures.wallSeconds)} = ${figures.ratio.toFixed(2)} × the ${figures.goalSeconds} s goal ` +
      `(${figures.ok ? 'met' : 'NOT met'}; load average ${figures.loadBefore.toFixed(1)} → ${figures.loadAfter.toFixed(1)} on ${availableParallelism()} cores)`,
    '  project        span   files  (projects of one group run side by side)',
    ...figures.projects.map(
      (project) =>
        `  ${project.name.padEnd(13)} ${s(project.seconds).padStart(7)} ${String(project.files).padStart(6)}`,
    ),
    `  the ${SLOWEST} slowest files (queued → done):`,
    ...figures.files
      .slice(0, SLOWEST)
      .map((file) => `  ${s(file.seconds).padStart(8)}  ${file.project.padEnd(12)} ${file.file}`),
  ];
  console.log(lines.join('\n'));
}

interface Args {
  runs: RunName[];
  json: string;
  maxWorkers?: number;
}

function parseArgs(argv: string[]): Args {
  let runs: RunName[] = ['all', 'unit'];
  let json = resolve(ROOT, 'reports/bench/tests.json');
  let maxWorkers: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--only' && (value === 'all' || value === 'unit')) runs = [value];
    else if (flag === '--json' && value) json = resolve(value);
    else if (flag === '--max-workers' && Number(value) >= 1) maxWorkers = Number(value);
    else {
      console.error(
        `bench:tests: unknown argument ${JSON.stringify(flag)} — use --only all|unit, --json FILE, --max-workers N`,
      );
      process.exit(2);
    }
    i += 1;
  }
  return { runs, json, ...(maxWorkers ? { maxWorkers } : {}) };
}

const { runs, json, maxWorkers } = parseArgs(process.argv.slice(2));
const results: RunFigures[] = [];
let anyFailed = false;
for (const run of runs) {
  const { figures, failed } = await measure(run, maxWorkers);
  anyFailed ||= failed;
  results.push(figures);
}
for (const figures of results) print(figures);
await mkdir(dirname(json), { recursive: true });
await writeFile(
  json,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), runs: results }, null, 2)}\n`,
);
console.log(`\nfigures written to ${relative(process.cwd(), json)}`);
if (anyFailed) {
  console.error('bench:tests: some tests failed — the times above are of a red run');
  process.exitCode = 1;
}
