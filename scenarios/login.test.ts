// Login hands out tokens for the right password only.
import { loginChecks } from '../src/scenarios/checks/login.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(loginChecks);
