/**
 * A gate run with one of everything a report must show: passes, a gating failure, a non-gating
 * security finding, skips with reasons, and text that is hostile to every output format.
 */
import type { ProbeResult } from '../../src/report/inputs.ts';
import { mergeLayers } from '../../src/report/merge.ts';
import type { CheckResult, GateReport, LayerReport } from '../../src/report/types.ts';

export const HOSTILE = 'answer was <b>"x" & \'y\'</b> | </script><!-- `tick`';

export const STARTED_AT = '2026-11-28T08:00:00.000Z';

const target = { name: 'reference', baseUrl: 'http://127.0.0.1:4010' };

function layer(
  name: LayerReport['layer'],
  offsetMs: number,
  checks: Omit<CheckResult, 'layer'>[],
): LayerReport {
  return {
    layer: name,
    target,
    startedAt: new Date(Date.parse(STARTED_AT) + offsetMs).toISOString(),
    durationMs: 1000,
    checks: checks.map((check) => ({ ...check, layer: name })),
  };
}

export const contractsLayer = layer('contracts', 0, [
  {
    id: 'login.issues-token-pair',
    rule: 'login returns an access and a refresh token',
    kind: 'contract',
    status: 'passed',
    durationMs: 12,
  },
  {
    id: 'refresh.rotates',
    rule: 'a refresh returns a new refresh token',
    kind: 'contract',
    status: 'passed',
    durationMs: 9,
  },
]);

export const scenariosLayer = layer('scenarios', 2000, [
  {
    id: 'refresh.spent-token-rejected',
    rule: 'a spent refresh token is rejected',
    kind: 'behaviour',
    status: 'failed',
    durationMs: 40,
    reason: `expected 401, got 200; ${HOSTILE}`,
  },
  {
    id: 'recovery.sixth-attempt-blocked',
    rule: 'the sixth recovery attempt is blocked even with the right code',
    kind: 'behaviour',
    status: 'passed',
    durationMs: 55,
  },
  {
    id: 'unblock.other-company-forbidden',
    rule: 'a property management company cannot unblock another company’s account',
    kind: 'behaviour',
    status: 'skipped',
    durationMs: 0,
    reason: 'the target has no otherCompanyPropertyManagementCompany account',
  },
  {
    id: 'refresh.reuse-revokes-family',
    rule: 'reusing a spent refresh token revokes the whole token family',
    kind: 'security',
    status: 'failed',
    durationMs: 30,
    severity: 'high',
    references: ['RFC 9700 §4.14.2'],
    reason: 'the successor token still worked after the spent one was replayed',
  },
  {
    id: 'jwt.alg-none-rejected',
    rule: 'a token signed with alg none is rejected',
    kind: 'security',
    status: 'passed',
    durationMs: 8,
    severity: 'critical',
    references: ['RFC 8725 §3.1'],
  },
]);

export const verificationLayer = layer('verification', 1000, [
  {
    id: 'verify.recover-password',
    rule: 'the target honours the recover-password pact',
    kind: 'contract',
    status: 'skipped',
    durationMs: 0,
    reason: 'the target has no mailbox',
  },
]);

export function sampleGate(strictSecurity = false): GateReport {
  return mergeLayers([contractsLayer, verificationLayer, scenariosLayer], {
    strictSecurity,
    target,
    startedAt: STARTED_AT,
  });
}

export const CHECK_COUNT = 8;

export const samplePact = {
  consumer: { name: 'facilioo-auth-client' },
  provider: { name: 'facilioo-auth-api' },
  interactions: [
    {
      type: 'Synchronous/HTTP',
      description: 'a login with valid credentials',
      providerStates: [{ name: 'an account exists', params: { role: 'admin' } }],
      request: { method: 'POST', path: '/api/auth/login' },
      response: { status: 200 },
    },
    {
      type: 'Synchronous/HTTP',
      description: 'a refresh with the spent token',
      providerStates: [{ name: 'an account with a spent refresh token' }],
      request: { method: 'POST', path: '/api/auth/refresh' },
      response: { status: 401 },
    },
  ],
  metadata: { pactSpecification: { version: '4.0' } },
};

/** A fixed window of 5 per 10 s, probed with 14 requests over 12 s. */
export const sampleProbe: ProbeResult = {
  rateLimit: {
    endpoint: 'recoverPassword',
    limit: 5,
    windowSeconds: 10,
    rejectStatus: 429,
    retryAfterSeconds: 9,
    algorithm: 'fixed-window',
    requestsSent: 14,
    message: '5 requests per 10 s (fixed-window)',
    notes: ['Retry-After was sent and was right'],
    stoppedBecause: 'complete',
  },
  timeline: [
    ...Array.from({ length: 5 }, (_, i) => ({ t: i * 100, status: 200 })),
    ...Array.from({ length: 4 }, (_, i) => ({ t: 500 + i * 100, status: 429 })),
    ...Array.from({ length: 5 }, (_, i) => ({ t: 10_100 + i * 300, status: 200 })),
  ],
};

/** k6 `handleSummary` shape. */
export const sampleK6Summary = {
  metrics: {
    http_req_duration: {
      type: 'trend',
      contains: 'time',
      values: { med: 20, avg: 25, 'p(95)': 60, 'p(99)': 90 },
    },
    'http_req_duration{expected_response:true}': { type: 'trend', values: { med: 19, 'p(95)': 58 } },
    'http_req_duration{endpoint:login}': {
      type: 'trend',
      values: { med: 30, avg: 33, 'p(95)': 80, 'p(99)': 120 },
    },
    'http_req_duration{endpoint:refresh}': {
      type: 'trend',
      values: { med: 12, avg: 14, 'p(95)': 35, 'p(99)': 50 },
    },
    'http_req_duration{endpoint:myself}': {
      type: 'trend',
      values: { med: 5, avg: 6, 'p(95)': 11, 'p(99)': 19 },
    },
  },
};
