/**
 * What every command that sends requests calls first, in this order: the production guard
 * (nothing is sent to a refused target), then the preflight round. Both throw ConfigError (exit
 * 2) before any check runs or any report is written.
 */
import type { Target } from '../target/index.ts';
import { type GuardDecision, type GuardOptions, guardTarget } from './guard.ts';
import { type PreflightOptions, preflight } from './preflight.ts';

export async function beforeRun(
  target: Target,
  options: GuardOptions & { preflight?: PreflightOptions; log?: (line: string) => void },
): Promise<GuardDecision> {
  const decision = guardTarget(target, options);
  // Nothing is printed before the round: a target that fails it gets exactly one line.
  const result = await preflight(target, options.preflight);
  options.log?.(
    `preflight passed in ${result.durationMs} ms: ${target.baseUrl} answers JSON and accepts a login`,
  );
  if (decision.skipDestructive) {
    options.log?.('production target: destructive checks are skipped (--allow-destructive runs them)');
  }
  return decision;
}
