/**
 * Release load for the login → authenticated call → refresh flow, profile chosen with
 * -e PROFILE=smoke|average|stress|spike|soak (default smoke). The flow and the profiles live in
 * lib/; `auth-flow.<profile>.ts` are the same script with the profile fixed.
 *
 *   k6 run -e FACILIOO_TARGET=$PWD/targets/staging.json -e PROFILE=average load/auth-flow.ts
 */
import { checkTarget, planFlow, runSession } from './lib/auth-flow.ts';
import { loadConfig } from './lib/config.ts';
import { type SummaryData, summaryOutputs } from './lib/summary.ts';

const plan = planFlow(loadConfig());

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
