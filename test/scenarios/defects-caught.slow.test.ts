// A suite is only as good as the defects it catches: every injected defect must fail each check whose definition says it `catches` it, the clean reference API none.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { DEFECTS, type DefectName } from '../../src/reference-api/index.ts';
import type { CheckResult } from '../../src/report/types.ts';
import { ALL_CHECKS } from '../../src/scenarios/checks/index.ts';
import { catchersOf, SCENARIO_DEFECTS } from '../../src/scenarios/rules-doc.ts';
import { CLEANUP_CHECK, runChecks } from '../../src/scenarios/runner.ts';
import { inPool, startTarget } from './reference-target.ts';

/**
 * Defects whose effect needs requests overlapping on the server, or its response times: they
 * run after the others, one at a time, so no other run's load blurs them.
 */
const NEEDS_QUIET: readonly DefectName[] = [
  'lockout-race',
  'lockout-check-then-act',
  'refresh-race',
  'recovery-code-race',
  'recover-password-timing',
];

/** Checks no defect is meant for; each has a test in checks-fail.test.ts showing it fail. */
const SHOWN_FAILING_ELSEWHERE = ['tokens.signature-verifies', CLEANUP_CHECK.id];

interface Run {
  defect: DefectName | undefined;
  results: CheckResult[];
  ms: number;
}

const failed = (run: Run) => run.results.filter((result) => result.status === 'failed');

/**
 * Waits a defect run may take: the targets have clock control, so only a mailbox that never
 * delivers (`recovery-mail-never-sent`) waits for real, and 10 s of that prove the point.
 */
const DEFECT_RUN_MAX_WAIT_SECONDS = 10;

async function runAgainst(defect: DefectName | undefined, only?: string[]): Promise<Run> {
  const started = performance.now();
  const resolved = await startTarget({ defects: defect ? [defect] : [] });
  const target = defect
    ? {
        ...resolved.target,
        options: { ...resolved.target.options, maxWaitSeconds: DEFECT_RUN_MAX_WAIT_SECONDS },
      }
    : resolved.target;
  try {
    const results = await runChecks(target, only ? { only } : {});
    return { defect, results, ms: Math.round(performance.now() - started) };
  } finally {
    await resolved.close();
  }
}

const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|');

function table(clean: Run, runs: Run[]): string {
  const lines = ['| defect | kind | rule it breaks | caught by (failure reason) |', '|---|---|---|---|'];
  const cleanFailed = failed(clean).map((result) => result.id);
  lines.push(`| (none: clean) | | | ${cleanFailed.join(', ') || 'nothing failed: no failure, no finding'} |`);
  for (const run of runs) {
    const defect = DEFECTS.find((entry) => entry.name === run.defect)!;
    const caught = failed(run)
      .filter((result) => result.id !== CLEANUP_CHECK.id)
      .map((result) => `${result.id} (${oneLine(result.reason).slice(0, 140)})`);
    lines.push(
      `| ${defect.name} | ${defect.kind} | ${oneLine(defect.rule)} | ${caught.join('; ') || '**not caught**'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('the scenario suite against the reference API, clean and with each defect', () => {
  let clean: Run;
  const runs = new Map<DefectName, Run>();

  beforeAll(async () => {
    const started = performance.now();
    // The clean run goes first and alone, so nothing else's load can blur its timing check.
    clean = await runAgainst(undefined);
    // Each defect runs only the checks that claim to catch it, on its own reference API.
    const loud = SCENARIO_DEFECTS.filter((name) => !NEEDS_QUIET.includes(name));
    for (const run of await inPool(loud, 4, (name) => runAgainst(name, catchersOf(name)))) {
      runs.set(run.defect!, run);
    }
    for (const name of NEEDS_QUIET) runs.set(name, await runAgainst(name, catchersOf(name)));
    const ordered = SCENARIO_DEFECTS.map((name) => runs.get(name)!);
    const slowest = [...ordered].sort((a, b) => b.ms - a.ms).slice(0, 5);
    const markdown = [
      '# Defects caught by the scenario suite',
      '',
      `${SCENARIO_DEFECTS.length} defects; clean run ${clean.ms} ms, all runs ${Math.round(performance.now() - started)} ms; slowest: ${slowest.map((run) => `${run.defect} ${run.ms} ms`).join(', ')}`,
      '',
      table(clean, ordered),
    ].join('\n');
    await mkdir(join('reports', 'scenarios'), { recursive: true });
    await writeFile(join('reports', 'scenarios', 'defect-table.md'), markdown);
    console.log(markdown);
  }, 300_000);

  test('the clean reference API passes every check, with no finding and nothing skipped', () => {
    const notPassed = clean.results.filter((result) => result.status !== 'passed');
    expect(notPassed.map((result) => `${result.id}: ${result.status} ${result.reason ?? ''}`)).toEqual([]);
  });

  test('there are at least 60 defects, and each is caught by at least one check', () => {
    expect(SCENARIO_DEFECTS.length).toBeGreaterThanOrEqual(60);
    expect(SCENARIO_DEFECTS.filter((name) => catchersOf(name).length === 0)).toEqual([]);
  });

  test.each(SCENARIO_DEFECTS)(
    'the defect %s fails every check whose definition says it catches it',
    (name) => {
      const run = runs.get(name)!;
      const missed = run.results
        .filter((result) => catchersOf(name).includes(result.id) && result.status !== 'failed')
        .map((result) => `${result.id}: ${result.status} ${result.reason ?? ''}`);
      expect(missed).toEqual([]);
    },
  );

  test('every check is seen failing: against a defect it catches, or in checks-fail.test.ts', () => {
    const never = [...ALL_CHECKS.filter((check) => check.catches.length === 0).map((check) => check.id)];
    expect(never.sort()).toEqual(SHOWN_FAILING_ELSEWHERE.filter((id) => id !== CLEANUP_CHECK.id).sort());
  });
});
