// Only Admin and the account's own Property Management Company may unblock a recovery code.
import { unblockChecks } from '../src/scenarios/checks/unblock.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(unblockChecks);
