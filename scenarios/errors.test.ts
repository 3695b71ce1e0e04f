// Error answers are problem details a client can read.
import { errorChecks } from '../src/scenarios/checks/errors.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(errorChecks);
