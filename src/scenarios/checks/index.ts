/** Every scenario check, in the order reports list them: one module per flow (scenarios/<flow>.test.ts). */
import type { Check } from '../registry.ts';
import { errorChecks } from './errors.ts';
import { expiryChecks } from './expiry.ts';
import { forgedChecks } from './forged.ts';
import { lockoutChecks } from './lockout.ts';
import { loginChecks } from './login.ts';
import { rateLimitChecks } from './rate-limit.ts';
import { recoverChecks } from './recover.ts';
import { recoveryCodeChecks } from './recovery-code.ts';
import { refreshChecks } from './refresh.ts';
import { tokenChecks } from './tokens.ts';
import { unblockChecks } from './unblock.ts';

export const CHECKS_BY_FLOW = {
  login: loginChecks,
  refresh: refreshChecks,
  expiry: expiryChecks,
  tokens: tokenChecks,
  forged: forgedChecks,
  'recovery-code': recoveryCodeChecks,
  lockout: lockoutChecks,
  unblock: unblockChecks,
  recover: recoverChecks,
  'rate-limit': rateLimitChecks,
  errors: errorChecks,
} as const satisfies Record<string, readonly Check[]>;

export type Flow = keyof typeof CHECKS_BY_FLOW;

export const ALL_CHECKS: readonly Check[] = Object.values(CHECKS_BY_FLOW).flat();

const ids = new Set<string>();
for (const check of ALL_CHECKS) {
  if (ids.has(check.id)) throw new Error(`two scenario checks share the id ${check.id}`);
  ids.add(check.id);
}
