/**
 * Runs checks against one target and turns each into a CheckResult. A check is skipped (with
 * the reason) when the target lacks what it needs, and never counted as passed; it runs beside
 * the others unless it shares an account with one of them or moves the server clock; its
 * cleanups always run, and a cleanup that fails makes the whole run fail, because the target is
 * then not as the suite found it.
 */
import { type LabelledKey, loadKeys } from '../jwt/index.ts';
import { redactText } from '../redact/index.ts';
import type { CheckResult } from '../report/types.ts';
import { missing, type Target } from '../target/index.ts';
import { ControlClient } from '../target/ops/index.ts';
import { ALL_CHECKS } from './checks/index.ts';
import { Context, type RunEnvironment } from './context.ts';
import { type Check, CheckFailure, CheckSkipped } from './registry.ts';
import { Scheduler } from './scheduler.ts';
import { selectChecks } from './select.ts';

export const DEFAULT_CONCURRENCY = 8;

export interface RunOptions {
  /** Check ids to run; default all. Unknown ids are a ConfigError listing the valid ones. */
  only?: readonly string[];
  /** Called with each redacted trace line (every HTTP exchange, waits, clock moves). */
  trace?: (line: string) => void;
  concurrency?: number;
  /** The checks to choose from; default every registered check. */
  checks?: readonly Check[];
  /** Called as each check ends (in completion order), for progress displays. */
  onResult?: (result: CheckResult) => void;
  /** Set by the production guard: destructive checks are skipped with this reason. */
  skipDestructive?: string | undefined;
  /** Stands in for real sleeps (token expiry), for tests on a virtual clock. */
  sleep?: (ms: number) => Promise<void>;
}

export interface CheckOutcome {
  result: CheckResult;
  /** What the check's cleanups could not put back, each naming the account's state. */
  cleanupFailures: string[];
}

/** The run-level rule every check's cleanup contributes to. */
export const CLEANUP_CHECK = {
  id: 'suite.leaves-target-as-found',
  rule: 'The suite leaves the target as it found it: the recovery account unblocked and its target-file password working',
} as const;

/** The claim a check makes on the scheduler (exported for the tests of the scheduling rules). */
export function claimOf(check: Check, target: Target): { slots: string[]; alone: boolean } {
  const movesClock = check.disturbs.includes('clock') && target.control !== undefined;
  return {
    slots: check.uses,
    alone: movesClock || check.disturbs.includes('rateLimit') || check.disturbs.includes('timing'),
  };
}

/** One run against one target: a shared scheduler, key cache and control client. */
export class ScenarioRun {
  readonly target: Target;
  readonly #scheduler: Scheduler;
  readonly #env: RunEnvironment;
  readonly #skipDestructive: string | undefined;

  constructor(
    target: Target,
    options: {
      trace?: (line: string) => void;
      concurrency?: number;
      skipDestructive?: string | undefined;
      sleep?: (ms: number) => Promise<void>;
    } = {},
  ) {
    this.target = target;
    this.#skipDestructive = options.skipDestructive;
    this.#scheduler = new Scheduler(options.concurrency ?? DEFAULT_CONCURRENCY);
    let keys: Promise<LabelledKey[]> | undefined;
    this.#env = {
      target,
      control: target.control
        ? new ControlClient(target.control, { timeoutMs: target.options.requestTimeoutSeconds * 1000 })
        : undefined,
      keys: () => {
        keys ??= loadKeys(target.jwt.publicKeys);
        return keys;
      },
      trace: options.trace,
      sleep: options.sleep,
    };
  }

  async run(check: Check): Promise<CheckOutcome> {
    const base = {
      layer: 'scenarios' as const,
      id: check.id,
      rule: check.rule,
      kind: check.kind,
      ...(check.severity ? { severity: check.severity } : {}),
      ...(check.references ? { references: check.references } : {}),
    };
    const absent =
      (check.destructive ? this.#skipDestructive : undefined) ?? missing(this.target, ...check.needs);
    if (absent) {
      return { result: { ...base, status: 'skipped', durationMs: 0, reason: absent }, cleanupFailures: [] };
    }
    return this.#scheduler.run(claimOf(check, this.target), async () => {
      const ctx = new Context(this.#env, check);
      const started = performance.now();
      let status: CheckResult['status'] = 'passed';
      let reason: string | undefined;
      try {
        await check.run(ctx);
      } catch (error) {
        if (error instanceof CheckSkipped) {
          status = 'skipped';
          reason = error.message;
        } else {
          status = 'failed';
          reason =
            error instanceof CheckFailure
              ? error.message
              : `stopped by an unexpected error: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      const cleanupFailures = await ctx.finish();
      const durationMs = Math.round(performance.now() - started);
      const result: CheckResult = { ...base, status, durationMs };
      if (reason !== undefined) result.reason = redactText(reason);
      if (cleanupFailures.length > 0) {
        result.reason = [result.reason, `cleanup failed: ${cleanupFailures.join('; ')}`]
          .filter(Boolean)
          .join(' — ');
      }
      return { result, cleanupFailures: cleanupFailures.map((failure) => `${check.id}: ${failure}`) };
    });
  }
}

/** The run-level cleanup verdict: failed, naming every account left changed, if any cleanup failed. */
export function cleanupResult(outcomes: readonly CheckOutcome[], durationMs = 0): CheckResult {
  const failures = outcomes.flatMap((outcome) => outcome.cleanupFailures);
  return {
    layer: 'scenarios',
    id: CLEANUP_CHECK.id,
    rule: CLEANUP_CHECK.rule,
    kind: 'behaviour',
    status: failures.length > 0 ? 'failed' : 'passed',
    durationMs,
    ...(failures.length > 0 ? { reason: redactText(failures.join('; ')) } : {}),
  };
}

/**
 * Every selected check: first those that must run alone (quick clock moves and timing
 * measurements, which would otherwise hold back everything queued behind them), then the rest
 * concurrently where the scheduler allows, and last those that spend the rate limit on purpose,
 * so they cannot starve the others. Results come in the registry's order, then the cleanup verdict.
 */
export async function runChecks(target: Target, options: RunOptions = {}): Promise<CheckResult[]> {
  const started = performance.now();
  const selected = selectChecks(options.checks ?? ALL_CHECKS, options.only);
  const run = new ScenarioRun(target, options);
  const drains = (check: Check) => check.disturbs.includes('rateLimit');
  const alone = (check: Check) => !drains(check) && claimOf(check, target).alone;
  const outcomes = new Map<Check, CheckOutcome>();
  const runOne = async (check: Check) => {
    const outcome = await run.run(check);
    outcomes.set(check, outcome);
    options.onResult?.(outcome.result);
  };
  for (const check of selected.filter(alone)) await runOne(check);
  await Promise.all(selected.filter((check) => !drains(check) && !alone(check)).map(runOne));
  for (const check of selected.filter(drains)) await runOne(check);
  const ordered = selected.map((check) => outcomes.get(check)!);
  return [
    ...ordered.map((outcome) => outcome.result),
    cleanupResult(ordered, Math.round(performance.now() - started)),
  ];
}
