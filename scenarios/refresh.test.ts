// Refresh tokens are one-time: each refresh rotates them, a spent one is dead and a replay kills its family.
import { refreshChecks } from '../src/scenarios/checks/refresh.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(refreshChecks);
