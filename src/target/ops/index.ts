/** What the suites do to a target, once: see session.ts. */
export { ControlClient, type RecoveryStateView } from './control.ts';
export {
  declaredQueue,
  declaredWindowWaitMs,
  type LimiterWait,
  limiterWait,
  type RateLimitReading,
  rateLimitWaitMs,
  UNKNOWN_WAIT,
} from './rate-limit.ts';
export {
  BLOCK_HOURS,
  type CodeAttempt,
  RecoveryAccount,
  temporaryPassword,
  WRONG_CODES_TO_BLOCK,
  wrongCode,
} from './recovery.ts';
export {
  type Burst,
  burstRecoverPassword,
  MAX_BURST,
  queueBurstSize,
  RecoveryLimit,
} from './recovery-limit.ts';
export {
  formatExchange,
  type Session,
  type SessionHooks,
  TargetSession,
  type TracedClient,
  unknownAddress,
} from './session.ts';
export { type RefusedBy, withBrokenSignature } from './tokens.ts';
export { parseWaitLine, type WaitNotice, waitLine } from './waits.ts';
