/**
 * What `check-target --discover` prints: the target-file lines to add (a JSON block a QA engineer
 * can paste), how each reading was found, and what was left alone and why. No secret is printed:
 * evidence holds statuses and shapes only.
 */
import type { Target } from '../target/types.ts';
import type { LimiterReading } from './limiter.ts';
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
  const notInferred = discovery.notInferred.map((left) => `  ${left.option} — ${left.reason}`);
  if (limiter && discovery.limiter) {
    const { rateLimit, queueNote } = announcedLimiter(discovery.limiter.reading);
    if (rateLimit) options.rateLimit = rateLimit;
    if (queueNote) notInferred.push(`  rateLimit.queueLimit — ${queueNote}`);
  }
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
    ...notInferred,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Of the limiter, the target file announces the rejection status (429, or ASP.NET's 503); of a
 * queueing one also the window and the permits, which size the burst that must get past the
 * queue. The queue's length is not inferred: finding it means filling the queue.
 */
function announcedLimiter(reading: LimiterReading['reading']): {
  rateLimit?: Record<string, number>;
  queueNote?: string;
} {
  const rateLimit: Record<string, number> = {};
  const { rejectStatus } = reading;
  if (rejectStatus === 429 || rejectStatus === 503) rateLimit.rejectStatus = rejectStatus;
  if (!reading.queueing) return rejectStatus === 429 || rejectStatus === 503 ? { rateLimit } : {};
  // Rounded up to a tenth: the suite waits one declared window, so too short would cost a retry.
  if (reading.windowSeconds !== null) rateLimit.windowSeconds = Math.ceil(reading.windowSeconds * 10) / 10;
  if (reading.limit !== null) rateLimit.permitLimit = reading.limit;
  return {
    rateLimit,
    queueNote:
      'requests over the limit were answered late instead of refused, so the limiter queues; how many it holds is not inferred (that takes filling the queue) — add "queueLimit": N (the deployment\'s QueueLimit) to options.rateLimit, or the rate-limit checks meet no refusal',
  };
}

/** The JSON block `formatDiscovery` printed, read back (for tests and scripts). */
export function parseDiscoverySnippet(output: string): { options: Record<string, unknown> } {
  const start = output.indexOf(SNIPPET_HEADING);
  if (start < 0) throw new Error(`no "${SNIPPET_HEADING}" in the output`);
  const rest = output.slice(start + SNIPPET_HEADING.length).trimStart();
  const end = rest.indexOf('\n}\n');
  return JSON.parse(rest.slice(0, end + 2));
}
