// A suite is only as good as the defects it catches: every injected defect must fail a check meant for it, the clean reference API none.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  DEFECT_NAMES,
  DEFECTS,
  type DefectName,
  LOAD_DEFECT_NAMES,
  type LoadDefectName,
} from '../../src/reference-api/index.ts';
import type { CheckResult } from '../../src/report/types.ts';
import { ALL_CHECKS } from '../../src/scenarios/checks/index.ts';
import { CLEANUP_CHECK, runChecks } from '../../src/scenarios/runner.ts';
import { inPool, startTarget } from './reference-target.ts';

/** The check(s) written for each defect; others may catch it too. */
type ScenarioDefect = Exclude<DefectName, LoadDefectName>;
/** Load defects show only under sustained traffic: the k6 profiles catch them (test/load/k6-run.test.ts). */
const SCENARIO_DEFECTS = DEFECT_NAMES.filter(
  (name): name is ScenarioDefect => !(LOAD_DEFECT_NAMES as readonly string[]).includes(name),
);

const MEANT_FOR: Record<ScenarioDefect, string[]> = {
  'refresh-token-reusable': ['refresh.spent-token-rejected'],
  'refresh-not-rotated': ['refresh.rotates'],
  'no-family-revocation': ['refresh.replay-revokes-family'],
  'refresh-race': ['refresh.concurrent-use-one-successor'],
  'refresh-survives-password-change': ['refresh.password-change-revokes'],
  'access-token-as-refresh': ['forged.access-token-as-refresh-refused'],
  'refresh-token-as-access': ['forged.refresh-token-as-access-refused'],
  'expired-token-accepted': [
    'expiry.expired-token-gets-401',
    'expiry.client-refreshes-once-and-retries',
    'expiry.concurrent-401s-one-refresh',
  ],
  'alg-none-accepted': ['forged.alg-none-refused'],
  'hs256-public-key-accepted': ['forged.hs256-with-public-key-refused'],
  'signature-not-verified': ['forged.tampered-payload-refused', 'forged.garbage-refused'],
  'no-www-authenticate': ['expiry.expired-token-gets-401'],
  'wrong-audience': ['tokens.audience-matches-target'],
  'lockout-after-six': ['lockout.five-wrong-codes-block'],
  'lockout-one-hour': ['lockout.block-lasts-24-hours'],
  'right-code-while-blocked': ['lockout.five-wrong-codes-block'],
  'new-code-lifts-block': ['lockout.new-code-does-not-lift-block'],
  'lockout-race': ['lockout.parallel-guesses-blocked'],
  'unblock-by-contractor': ['unblock.contractor-refused'],
  'unblock-by-user': ['unblock.user-refused'],
  'unblock-cross-company': ['unblock.other-company-refused'],
  'unblock-without-token': ['unblock.without-token-refused'],
  'recover-password-enumeration': ['recover.same-answer-for-unknown-address'],
  'recover-password-timing': ['recover.same-timing-for-unknown-address'],
  'no-rate-limit': ['rate-limit.recover-password-limited'],
  'rate-limit-no-retry-after': ['rate-limit.retry-after-given'],
  // A login answer the client cannot use stops every check that logs in; the token checks say why.
  'access-token-renamed': ['tokens.claims-follow-layout'],
  'access-token-missing': ['tokens.claims-follow-layout'],
  'refresh-token-renamed': ['refresh.rotates'],
  'refresh-token-not-string': ['refresh.rotates'],
  'access-token-not-jwt': ['tokens.claims-follow-layout'],
  'sub-as-string': ['tokens.claims-follow-layout'],
  'problem-json-missing': ['errors.problem-details'],
};

/** Defects whose effect depends on requests overlapping on the server, or on its response times. */
const NEEDS_QUIET: DefectName[] = ['lockout-race', 'refresh-race', 'recover-password-timing'];

/** Checks no defect is meant for; each has a test in checks-fail.test.ts showing it fail. */
const SHOWN_FAILING_ELSEWHERE = [
  'refresh.new-token-works',
  'tokens.valid-now',
  'tokens.issuer-matches-target',
  'tokens.signature-verifies',
  'tokens.lifetime-bounded',
  'unblock.property-management-company-unblocks',
  'unblock.admin-unblocks',
  CLEANUP_CHECK.id,
];

interface Run {
  defect: DefectName | undefined;
  results: CheckResult[];
}

const caughtBy = (run: Run) =>
  run.results.filter((result) => result.status === 'failed').map((result) => result.id);

async function runAgainst(defect: DefectName | undefined): Promise<Run> {
  const resolved = await startTarget({ defects: defect ? [defect] : [] });
  try {
    return { defect, results: await runChecks(resolved.target) };
  } finally {
    await resolved.close();
  }
}

function table(runs: Run[]): string {
  const lines = ['| defect | kind | caught by |', '|---|---|---|'];
  for (const run of runs) {
    const kind = DEFECTS.find((defect) => defect.name === run.defect)?.kind ?? '';
    const none = run.defect ? '**not caught**' : 'nothing failed: no failure, no finding';
    lines.push(`| ${run.defect ?? '(none: clean)'} | ${kind} | ${caughtBy(run).join(', ') || none} |`);
  }
  return `${lines.join('\n')}\n`;
}

describe('the scenario suite against the reference API, clean and with each defect', () => {
  let clean: Run;
  let runs: Run[];

  beforeAll(async () => {
    // The clean run goes alone, so nothing else's load can blur its timing check.
    clean = await runAgainst(undefined);
    // Races and timing need the server's full attention to show: those defects run alone too.
    const pooled = await inPool(
      SCENARIO_DEFECTS.filter((name) => !NEEDS_QUIET.includes(name)),
      4,
      (name) => runAgainst(name),
    );
    const quiet: Run[] = [];
    for (const name of NEEDS_QUIET) quiet.push(await runAgainst(name));
    runs = SCENARIO_DEFECTS.map((name) => [...pooled, ...quiet].find((run) => run.defect === name)!);
    const markdown = `# Defects caught by the scenario suite\n\n${table([clean, ...runs])}`;
    await mkdir(join('reports', 'scenarios'), { recursive: true });
    await writeFile(join('reports', 'scenarios', 'defect-table.md'), markdown);
    console.log(markdown);
  }, 180_000);

  test('the clean reference API passes every check, with no finding and nothing skipped', () => {
    const notPassed = clean.results.filter((result) => result.status !== 'passed');
    expect(notPassed.map((result) => `${result.id}: ${result.status} ${result.reason ?? ''}`)).toEqual([]);
  });

  test.each(SCENARIO_DEFECTS)('the defect %s is caught by the check meant for it', (name) => {
    const run = runs.find((candidate) => candidate.defect === name)!;
    expect(caughtBy(run)).toEqual(expect.arrayContaining(MEANT_FOR[name]));
  });

  test('every check is seen failing: against the defect meant for it, or in checks-fail.test.ts', () => {
    // Only defects meant for a check count: a login the client cannot use fails nearly every check and proves little.
    const seen = new Set([...Object.values(MEANT_FOR).flat(), ...SHOWN_FAILING_ELSEWHERE]);
    const never = [...ALL_CHECKS.map((check) => check.id), CLEANUP_CHECK.id].filter((id) => !seen.has(id));
    expect(never).toEqual([]);
  });
});
