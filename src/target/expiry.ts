/**
 * When a target surely refuses an access token: one second past `exp` (exp has one-second
 * resolution) plus the leeway the target grants. One function, so the scenario checks and the
 * provider-state handlers let tokens expire alike.
 */
import type { TargetOptions } from './types.ts';

/** Milliseconds from `nowMs` until the target refuses a token that expires at `exp` (seconds). */
export function msUntilRefused(
  exp: number,
  nowMs: number,
  target: { options: Pick<TargetOptions, 'tokenLeewaySeconds'> },
): number {
  return (exp + target.options.tokenLeewaySeconds + 1) * 1000 - nowMs;
}
