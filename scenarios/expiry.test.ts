// An expired access token gets 401 with a Bearer challenge, and the client refreshes exactly once.
import { expiryChecks } from '../src/scenarios/checks/expiry.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(expiryChecks);
