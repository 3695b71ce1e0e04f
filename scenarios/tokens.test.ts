// Access tokens follow the documented layout, are valid now, and are issued and signed by the target.
import { tokenChecks } from '../src/scenarios/checks/tokens.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(tokenChecks);
