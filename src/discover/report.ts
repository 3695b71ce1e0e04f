/**
 * What `check-target --discover` prints: the target-file lines to add (a JSON block a QA engineer
 * can paste), how each reading was found, and what was left alone and why. No secret is printed:
 * evidence holds statuses and shapes only.
 */
import type { Target } from '../target/types.ts';
import type { Discovery } from './readings.ts';

export const SNIPPET_HEADING = 'add to the target file:';

export function formatDiscovery(discovery: Discovery, target: Target): string {
  const options: Record<string, unknown> = {};
  const how: string[] = [];
  for (const found of discovery.found) {
    if (found.option === 'rateLimit') continue;
    options[found.option] = found.value;
    const declared = (target.options as unknown as Record<string, unknown>)[found.option];
    const differs = declared !== undefined && declared !== found.value;
    how.push(
      `  ${found.option} ${JSON.stringify(found.value)}${differs ? ` (the file says ${JSON.stringify(declared)})` : ''} — ${found.evidence}`,
    );
  }
  const limiter = discovery.found.find((found) => found.option === 'rateLimit');
  // Of the limiter, the target file announces the rejection status (429, or ASP.NET's 503).
  const rejectStatus = discovery.limiter?.reading.rejectStatus;
  if (limiter && (rejectStatus === 429 || rejectStatus === 503)) options.rateLimit = { rejectStatus };
  const lines = [
    `discovered readings of "${discovery.target.name}" at ${discovery.target.baseUrl} (${discovery.requests} requests; no recovery attempt spent, no account locked)`,
    '',
    SNIPPET_HEADING,
    JSON.stringify({ options }, null, 2),
    '',
    'how each was found:',
    ...how,
    ...(limiter ? [`  the limiter — ${limiter.evidence}`] : []),
    '',
    'not inferred (the file’s value or the default stays):',
    ...discovery.notInferred.map((left) => `  ${left.option} — ${left.reason}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The JSON block `formatDiscovery` printed, read back (for tests and scripts). */
export function parseDiscoverySnippet(output: string): { options: Record<string, unknown> } {
  const start = output.indexOf(SNIPPET_HEADING);
  if (start < 0) throw new Error(`no "${SNIPPET_HEADING}" in the output`);
  const rest = output.slice(start + SNIPPET_HEADING.length).trimStart();
  const end = rest.indexOf('\n}\n');
  return JSON.parse(rest.slice(0, end + 2));
}
