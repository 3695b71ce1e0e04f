// Five wrong recovery codes block recovery for 24 hours, and nothing but an unblock or time lifts it.
import { lockoutChecks } from '../src/scenarios/checks/lockout.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(lockoutChecks);
