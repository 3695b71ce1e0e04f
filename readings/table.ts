/**
 * The readings matrix: every reading of the spec's OPEN points (docs/spec.md, "Readings") as the
 * `serve` flags that make the reference API take it, and one small defect that concerns it. The
 * gate must pass against the reading and fail against the reading with the defect. One row, one
 * line; a row whose support is still on another branch names that branch and runs as a todo.
 */
import type { DefectName } from '../src/reference-api/defects.ts';

export interface Reading {
  /** What a QA engineer would call the deployment. */
  name: string;
  /** `facilioo-auth serve` flags, as typed. */
  serve: string;
  /** A defect that concerns this reading: the gate against it must exit 1. */
  defect: DefectName;
  /** Findings this reading is by itself (check ids); the pass run then runs without --strict-security. */
  findings?: string[];
  /** The branch whose support this row waits for, and what is missing: the row runs as a todo. */
  pending?: string;
}

// Short limiter windows where the server has no clock control, so real waits stay short.
// biome-ignore format: one line per reading, so a row is added or changed on its own line
export const READINGS: Reading[] = [
  { name: 'the defaults (either form taken), with clock control', serve: '--control', defect: 'refresh-token-reusable' },
  { name: 'refresh token only in the body, recovery code only as a string', serve: '--control --refresh-token-in body --recovery-code-type string', defect: 'refresh-not-rotated' },
  { name: 'refresh token only as Bearer', serve: '--control --refresh-token-in bearer', defect: 'refresh-token-reusable' },
  { name: 'refresh token as an object', serve: '--control --refresh-token-shape object', defect: 'refresh-not-rotated' },
  { name: 'refresh token as an object under "value"', serve: '--control --refresh-token-shape object --refresh-token-key value', defect: 'refresh-token-reusable' },
  { name: 'recovery code as a JSON number', serve: '--control --recovery-code-type number', defect: 'right-code-while-blocked' },
  { name: 'wrong password 400', serve: '--control --wrong-password-status 400', defect: 'problem-json-missing' },
  { name: 'blocked 400', serve: '--control --blocked-status 400', defect: 'right-code-while-blocked' },
  { name: 'blocked 403', serve: '--control --blocked-status 403', defect: 'lockout-after-six' },
  { name: 'blocked 429', serve: '--control --blocked-status 429', defect: 'new-code-lifts-block' },
  { name: 'three keys, no kid, the third signs, PKCS#1 and SPKI mixed', serve: '--control --keys 3 --signing-key 3 --key-format mixed', defect: 'hs256-public-key-accepted' },
  { name: '300 s of leeway', serve: '--control --leeway-seconds 300', defect: 'expired-token-accepted' },
  { name: 'one-hour tokens, no clock control', serve: '--access-token-seconds 3600 --limit-window-seconds 1', defect: 'refresh-token-reusable' },
  { name: '3 s tokens, no clock control', serve: '--access-token-seconds 3 --limit-window-seconds 1', defect: 'expired-token-accepted' },
  { name: '429 without Retry-After', serve: '--control --no-retry-after', defect: 'no-rate-limit', findings: ['rate-limit.retry-after-given'] },
  { name: "ASP.NET's default rejection: 503, no body, no Retry-After", serve: '--control --limit-reject-status 503 --no-retry-after --no-limit-body', defect: 'no-rate-limit', findings: ['rate-limit.retry-after-given'] },
  { name: 'the same, no clock control, 2 s window', serve: '--limit-window-seconds 2 --limit-reject-status 503 --no-retry-after --no-limit-body', defect: 'no-rate-limit', findings: ['rate-limit.retry-after-given'] },
  { name: 'Retry-After truncated to whole seconds', serve: '--control --limit-retry-after truncated', defect: 'no-rate-limit' },
  { name: 'Retry-After of the whole window', serve: '--control --limit-retry-after whole-window', defect: 'no-rate-limit' },
  { name: 'partitions replenished on a 100 ms timer', serve: '--control --limit-timer-ms 100', defect: 'no-rate-limit' },
  { name: 'queueing: 3 requests wait for a permit, 2 s window', serve: '--limit-window-seconds 2 --limit-queue 3', defect: 'no-rate-limit' },
  { name: 'sliding window', serve: '--control --limit-algorithm sliding-window', defect: 'no-rate-limit' },
  { name: 'sliding window without Retry-After', serve: '--control --limit-algorithm sliding-window --no-retry-after', defect: 'no-rate-limit', findings: ['rate-limit.retry-after-given'] },
  { name: 'token bucket, 2 tokens per period', serve: '--control --limit-algorithm token-bucket --limit-tokens-per-period 2', defect: 'no-rate-limit' },
];
