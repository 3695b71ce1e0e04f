// recover-password is rate limited and says when to retry.
import { rateLimitChecks } from '../src/scenarios/checks/rate-limit.ts';
import { testChecks } from '../src/scenarios/vitest.ts';

testChecks(rateLimitChecks);
