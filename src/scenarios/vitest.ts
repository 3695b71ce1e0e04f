/**
 * The bridge between the checks and vitest. Each `scenarios/<flow>.test.ts` calls `testChecks`
 * once: one `test.concurrent` per check, named `[<id>] <rule>`, ending exactly as the check did
 * (passed, failed with its reason, or skipped with its reason), with the CheckResult attached as
 * test meta for the summary reporter. All files share one ScenarioRun — the project runs them in
 * one worker without isolation — so account locks and clock moves hold across files too.
 */
import { inject, test } from 'vitest';
import { announceWait, createProgress, type Progress } from '../gate/progress.ts';
import { ALL_CHECKS } from './checks/index.ts';
import { type Check, CheckFailure } from './registry.ts';
import { ScenarioRun } from './runner.ts';
import type { ScenarioRequest } from './vitest-types.ts';

export const testName = (check: Pick<Check, 'id' | 'rule'>) => `[${check.id}] ${check.rule}`;

let shared: { key: string; run: ScenarioRun } | undefined;

let progress: { display: Progress; done: number; of: number } | undefined;

function sharedRun(request: ScenarioRequest, of: number): ScenarioRun {
  const key = JSON.stringify(request);
  if (shared?.key !== key) {
    if (request.progress) {
      // A log, not a status line: vitest owns the terminal.
      const display = createProgress(process.stderr, { interactive: false });
      display.layer('scenarios', 1, 1, `against target "${request.target.name}"`);
      progress = { display, done: 0, of };
    }
    const print = request.trace ? (line: string) => console.log(line) : undefined;
    const trace =
      print || progress
        ? (line: string) => {
            if (progress) announceWait(progress.display, line);
            print?.(line);
          }
        : undefined;
    shared = {
      key,
      run: new ScenarioRun(request.target, {
        ...(trace ? { trace } : {}),
        ...(request.skipDestructive ? { skipDestructive: request.skipDestructive } : {}),
      }),
    };
  }
  return shared.run;
}

export function testChecks(checks: readonly Check[]): void {
  const request = inject('scenarios');
  if (!request)
    throw new Error(
      'no scenario target was provided: run the scenarios project (its global setup provides it)',
    );
  const selected = request.only ? checks.filter((check) => request.only?.includes(check.id)) : checks;
  const target = { name: request.target.name, baseUrl: request.target.baseUrl };
  for (const check of selected) {
    test.concurrent(testName(check), async (context) => {
      const outcome = await sharedRun(request, request.only?.length ?? ALL_CHECKS.length).run(check);
      if (progress) progress.display.check(outcome.result, ++progress.done, progress.of);
      context.task.meta.scenario = { ...outcome, target };
      const { status, reason } = outcome.result;
      // The reason already carries any cleanup failure; a failed cleanup fails the test whatever the check said.
      if (status === 'failed' || outcome.cleanupFailures.length > 0) {
        throw new CheckFailure(reason ?? 'failed without a reason');
      }
      if (status === 'skipped') {
        await context.annotate(reason ?? 'skipped without a reason', 'skipped');
        context.skip(reason);
      }
    });
  }
}
