/**
 * The auth flow (login → authenticated call → refresh) under the spike profile; see
 * lib/profiles.ts. Same as `auth-flow.ts -e PROFILE=spike`.
 *
 *   k6 run -e FACILIOO_TARGET=$PWD/targets/staging.json load/auth-flow.spike.ts
 */
import { checkTarget, planFlow, runSession } from './lib/auth-flow.ts';
import { loadConfig } from './lib/config.ts';
import { type SummaryData, summaryOutputs } from './lib/summary.ts';

const plan = planFlow(loadConfig(), 'spike');

export const options = plan.options;

export function setup(): void {
  checkTarget(plan);
}

export default function (): void {
  runSession(plan);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, plan.config.reportDir, 'auth-flow.spike');
}
