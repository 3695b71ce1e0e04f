/** Provider verification of the consumer pacts against a target. See contracts/README.md. */
export {
  type BrokerConfig,
  type BuildInfo,
  brokerConfig,
  buildInfo,
  canIDeployArgs,
  PACTICIPANTS,
  pactBroker,
  publishArgs,
} from './broker.ts';
export { type Replayed, replayLine, type VerificationEvent, type WaitStarted } from './live.ts';
export { checkId, listPactFiles, type PactInteraction, readPactFile, ruleOf } from './pacts.ts';
export { formatMismatch, type StateEvent, toChecks, type VerifierReport } from './results.ts';
export { openVerificationSession, type VerificationSession } from './session.ts';
export { createStateHandlers, StateSkipped } from './state-handlers.ts';
export {
  DEFAULT_REPORT_DIR,
  type VerifyPactsOptions,
  type VerifyPactsResult,
  verifyPacts,
} from './verify.ts';
export { ensurePacts, writePacts } from './write-pacts.ts';
