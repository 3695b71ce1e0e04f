/**
 * What the readings matrix does per run: start the reference API from `serve` flags, write its
 * target file as `serve --write-target` does, and run the gate (or its scenario layer) in this
 * process against that file. Each run has its own server, port and report folder, so runs may
 * go side by side.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { serveOptions, writeTarget } from '../src/cli/serve.ts';
import { runContracts } from '../src/gate/contracts.ts';
import { createProgress } from '../src/gate/progress.ts';
import { runGate } from '../src/gate/run.ts';
import type { DefectName } from '../src/reference-api/defects.ts';
import { startReferenceApi } from '../src/reference-api/index.ts';
import { type CheckResult, failsRun, isFinding } from '../src/report/types.ts';
import { ALL_CHECKS } from '../src/scenarios/checks/index.ts';
import { runChecks } from '../src/scenarios/runner.ts';
import { DEFAULT_READINGS, loadTarget, type Readings, readingsOf } from '../src/target/index.ts';
import { openVerificationSession, type VerificationSession } from '../src/verify/session.ts';

export interface GateRun {
  exitCode: number;
  seconds: number;
  /** The checks that failed (findings included), as `id: reason`. */
  failed: string[];
  findings: string[];
  skipped: string[];
}

export interface RunOptions {
  scratch: string;
  strictSecurity: boolean;
  sessions: ReturnType<typeof sessionPool>;
  pacts: ReturnType<typeof pactCache>;
}

/**
 * The consumer pacts for a target's readings, written once per set of readings that puts other
 * bytes on the wire (where the refresh token goes and its shape, the code's type). The statuses
 * are written as "any 4xx", which fits every target (readingDifferences), so a blocked-403 and a
 * blocked-429 server share the pacts of the defaults.
 */
export function pactCache(scratch: string): {
  forTarget(targetFile: string): Promise<string>;
  /** Contract runs so far, with their seconds. */
  runs: { readings: string; seconds: number }[];
} {
  const written = new Map<string, Promise<string>>();
  const runs: { readings: string; seconds: number }[] = [];
  const write = async (readings: Readings, dir: string): Promise<string> => {
    const started = performance.now();
    const layer = await runContracts({ reportDir: dir, readings, pactDir: join(dir, 'pacts') });
    const failed = layer.checks.filter((check) => check.status === 'failed');
    if (failed.length > 0) {
      throw new Error(
        `the contracts for ${JSON.stringify(readings)} failed: ${failed.map((check) => `${check.id}: ${check.reason}`).join('; ')}`,
      );
    }
    runs.push({ readings: describeReadings(readings), seconds: (performance.now() - started) / 1000 });
    return join(dir, 'pacts');
  };
  return {
    runs,
    forTarget(targetFile) {
      const readings: Readings = {
        ...readingsOf(loadTarget(targetFile, {})),
        wrongPasswordStatus: DEFAULT_READINGS.wrongPasswordStatus,
        blockedStatus: null,
      };
      const key = JSON.stringify(readings);
      let pacts = written.get(key);
      if (!pacts) {
        pacts = write(readings, join(scratch, `contracts-${written.size + 1}`));
        written.set(key, pacts);
      }
      return pacts;
    },
  };
}

function describeReadings(readings: Readings): string {
  const different = (['refreshTokenIn', 'refreshTokenShape', 'recoveryCodeType'] as const).filter(
    (key) => readings[key] !== DEFAULT_READINGS[key],
  );
  return different.map((key) => `${key} ${readings[key]}`).join(', ') || 'the defaults';
}

/**
 * `facilioo-auth gate --target FILE --pacts DIR [--strict-security]` against `serve FLAGS…`, run
 * in this process as the CLI runs it (runGate), with the pacts written for the target's readings
 * and a verification worker from `sessions`: a cold worker costs seconds, a warm one verifies in
 * about one.
 */
export function gateAgainst(serveFlags: readonly string[], options: RunOptions): Promise<GateRun> {
  return againstServer(serveFlags, options, async (target, dir) => {
    const pactDir = await options.pacts.forTarget(target);
    const result = await options.sessions.use((verificationSession) =>
      runGate({
        target,
        env: {},
        strictSecurity: options.strictSecurity,
        reportDir: join(dir, 'reports'),
        pactDir,
        progress: createProgress(new Writable({ write: (_chunk, _encoding, done) => done() }), false),
        verificationSession,
      }),
    );
    return { exitCode: result.exitCode, checks: result.report.layers.flatMap((layer) => layer.checks) };
  });
}

/**
 * Warm verification workers, one per gate running at a time: a worker verifies one run after
 * another, so sharing one between side-by-side gates would queue a quick verification behind a
 * slow one (a target without clock control waits its limiter out).
 */
export function sessionPool(): {
  use<T>(run: (session: VerificationSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
} {
  const all: VerificationSession[] = [];
  const idle: VerificationSession[] = [];
  return {
    async use(run) {
      let session = idle.pop();
      if (!session) {
        session = openVerificationSession();
        all.push(session);
      }
      try {
        return await run(session);
      } finally {
        idle.push(session);
      }
    },
    close: async () => {
      await Promise.all(all.map((session) => session.close()));
    },
  };
}

/**
 * The checks of the gate's scenario layer that catch `defect` (their `catches` metadata, as the
 * defect table picks them), run as the gate runs them, against `serve FLAGS… --defect DEFECT`: a
 * failed scenario check fails the gate whatever its other layers say, so what this run catches,
 * the gate catches — at a fraction of a whole gate's cost.
 */
export function scenariosAgainst(
  serveFlags: readonly string[],
  defect: DefectName,
  options: RunOptions,
): Promise<GateRun> {
  const only = ALL_CHECKS.filter((check) => check.catches.includes(defect)).map((check) => check.id);
  return againstServer([...serveFlags, '--defect', defect], options, async (file) => {
    const checks = await runChecks(loadTarget(file, {}), { only });
    return { exitCode: checks.some((check) => failsRun(check, options.strictSecurity)) ? 1 : 0, checks };
  });
}

async function againstServer(
  serveFlags: readonly string[],
  { scratch }: RunOptions,
  run: (targetFile: string, dir: string) => Promise<{ exitCode: number; checks: CheckResult[] }>,
): Promise<GateRun> {
  const dir = await mkdtemp(join(scratch, 'run-'));
  const api = await startReferenceApi(serveOptions(serveFlags));
  const started = performance.now();
  try {
    const { exitCode, checks } = await run(await writeTarget(api, join(dir, 'target.json')), dir);
    return {
      exitCode,
      seconds: (performance.now() - started) / 1000,
      failed: checks
        .filter((check) => check.status === 'failed')
        .map((check) => `${check.id}: ${check.reason ?? ''}`),
      findings: checks.filter(isFinding).map((check) => check.id),
      skipped: checks.filter((check) => check.status === 'skipped').map((check) => check.id),
    };
  } finally {
    await api.close();
  }
}

export function scratchDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'facilioo-readings-'));
}

/** The matrix as a Markdown table: reading × pass run × defect run, with seconds. */
export function matrixTable(
  rows: { name: string; defect: string; pass?: GateRun; broken?: GateRun; pending?: string }[],
): string {
  const cell = (run: GateRun | undefined, expected: number) =>
    run === undefined
      ? '—'
      : `${run.exitCode === expected ? '✅' : '❌'} exit ${run.exitCode}, ${run.seconds.toFixed(1)} s`;
  return [
    '| reading | gate (exit 0 expected) | with the defect | defect (exit 1 expected) | caught by |',
    '|---|---|---|---|---|',
    ...rows.map((row) =>
      row.pending
        ? `| ${row.name} | todo, waits for branch ${row.pending} | \`${row.defect}\` | | |`
        : `| ${row.name} | ${cell(row.pass, 0)} | \`${row.defect}\` | ${cell(row.broken, 1)} | ${caughtBy(row.broken)} |`,
    ),
  ].join('\n');
}

function caughtBy(run: GateRun | undefined): string {
  const ids = (run?.failed ?? []).map((failure) => failure.slice(0, failure.indexOf(':')));
  return ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', ');
}
