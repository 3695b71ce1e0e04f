/**
 * Release load for the login → authenticated call → refresh flow. The profile is a parameter
 * (smoke, average, stress, spike, soak: the table in lib/profiles.ts), as are its time and rate
 * scale; all come from the run document `facilioo-auth load` writes:
 *
 *   npx facilioo-auth load auth-flow --profile average --time-scale 0.1 --target targets/staging.json
 *   k6 run -e FACILIOO_TARGET_JSON=$PWD/run.json -e FACILIOO_PROFILE=average reports/load/build/auth-flow.js
 */
import { checkTarget, expectResponses, planFlow, runSession } from './lib/auth-flow.ts';
import { loadConfig } from './lib/config.ts';
import { type SummaryData, summaryOutputs } from './lib/summary.ts';

const plan = planFlow(loadConfig());
expectResponses(plan.config);

export const options = plan.options;

export function setup(): void {
  checkTarget(plan);
}

export default function (): void {
  runSession(plan);
}

export function handleSummary(data: SummaryData): Record<string, string> {
  return summaryOutputs(data, plan.config.reportDir, `auth-flow.${plan.profile.name}`);
}
