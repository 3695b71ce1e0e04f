// recover-password does not reveal which addresses have accounts, by answer or by timing.
import { recoverChecks } from '../src/scenarios/checks/recover.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(recoverChecks);
