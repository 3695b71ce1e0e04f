// A mailed recovery code changes the password once, with an effect; spent, replaced, expired or wrong, it changes nothing.
import { recoveryCodeChecks } from '../src/scenarios/checks/recovery-code.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(recoveryCodeChecks);
