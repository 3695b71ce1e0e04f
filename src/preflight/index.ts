/** Before any layer: the production guard and the preflight round. See docs/architecture.md. */

export { beforeRun } from './before-run.ts';
export {
  DESTRUCTIVE_SKIP,
  GUARD_FLAGS,
  type GuardDecision,
  type GuardOptions,
  guardTarget,
} from './guard.ts';
export { PreflightError, type PreflightOptions, type PreflightResult, preflight } from './preflight.ts';
