/**
 * The embedded reference facilioo auth API: a stateful implementation of the documented
 * behaviour that every suite is proven against, with injectable defects to prove they catch
 * what they claim to. See docs/architecture.md, "Reference API".
 */
export type { SeededAccount } from './accounts.ts';
export { DEFAULT_LOAD_ACCOUNTS, DEFAULT_SEED } from './accounts.ts';
export { createApp, type ReferenceApp } from './app.ts';
export { type Clock, ControllableClock, ManualClock } from './clock.ts';
export {
  DEFECT_NAMES,
  DEFECTS,
  type Defect,
  type DefectKind,
  type DefectName,
  isDefectName,
  LOAD_DEFECT_NAMES,
  type LoadDefectName,
  parseDefectNames,
} from './defects.ts';
export { generateKeys, type ReferenceKeyPair } from './keys.ts';
export {
  DEFAULT_ACCESS_TOKEN_SECONDS,
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  DEFAULT_REFRESH_TOKEN_SECONDS,
  type ReferenceApiOptions,
} from './options.ts';
export {
  DEFAULT_LIMITS,
  LIMITER_ALGORITHMS,
  type LimiterAlgorithm,
  type LimitsInput,
  type LimitsOptions,
  RETRY_AFTER_MODES,
  type RetryAfterMode,
} from './rate-limiter.ts';
export { BLOCK_MS, WRONG_CODES_BEFORE_BLOCK } from './recovery.ts';
export { type RunningReferenceApi, type StartOptions, startReferenceApi } from './server.ts';
export type { ReferenceTargetDocument } from './target-document.ts';
export { WRONG_AUDIENCE } from './tokens.ts';
