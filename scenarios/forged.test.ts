// Forged tokens are refused on the protected endpoint and on refresh.
import { forgedChecks } from '../src/scenarios/checks/forged.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(forgedChecks);
