// A failed contract says what did not match — the request, what was expected, what came — not
// pact-js's generic "Test failed for the following reasons:" header. The messages below are built
// by pact-js's own formatter, so the test follows whatever pact-js prints.
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { contractChecks, contractReason } from '../../src/gate/contracts.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { mergeLayers } from '../../src/report/merge.ts';

const { generateMockServerError } = createRequire(import.meta.url)(
  '@pact-foundation/pact/src/v3/display',
) as {
  generateMockServerError(mismatches: unknown[], indent: string): string;
};

const pactError = (mismatches: unknown[]) =>
  `Error: Test failed for the following reasons:\n\n  ${generateMockServerError(mismatches, '\t')}\n    at executeTest (node_modules/@pact-foundation/pact/src/v4/http/index.js:63:31)`;

describe('contractReason', () => {
  test('a wrong request names the route and the expected-versus-got mismatch', () => {
    const reason = contractReason(
      pactError([
        {
          type: 'request-mismatch',
          method: 'POST',
          path: '/api/auth/refresh',
          mismatches: [
            {
              type: 'BodyMismatch',
              mismatch: "Expected 'refreshToken' (String) but received 'token'",
              path: '$.refreshToken',
            },
          ],
        },
      ]),
    );
    expect(reason).not.toMatch(/Test failed for the following reasons/);
    expect(reason).toMatch(/^Pact mismatch: 0\) The following request was incorrect:/);
    expect(reason).toContain('POST /api/auth/refresh');
    expect(reason).toContain("Expected 'refreshToken' (String) but received 'token'");
    expect(reason).not.toMatch(/executeTest|\n/);
  });

  test('a request that never came names the interaction it belongs to', () => {
    const reason = contractReason(
      pactError([{ type: 'missing-request', request: { method: 'POST', path: '/api/auth/login' } }]),
    );
    expect(reason).toContain('The following request was expected but not received');
    expect(reason).toContain('Method: POST · Path: /api/auth/login');
  });

  test('any other failure keeps its first line', () => {
    expect(contractReason('AssertionError: expected 401 to be 200\n    at test.ts:1:1')).toBe(
      'AssertionError: expected 401 to be 200',
    );
  });

  test('the mismatch reaches the check and the Markdown report', () => {
    const failure = pactError([
      {
        type: 'request-mismatch',
        method: 'POST',
        path: '/api/auth/login',
        mismatches: [
          { type: 'HeaderMismatch', mismatch: "Expected header 'content-type' to be 'application/json'" },
        ],
      },
    ]);
    const checks = contractChecks({
      testResults: [
        {
          name: '/x/contracts/login.pact.test.ts',
          status: 'failed',
          assertionResults: [
            {
              ancestorTitles: ['login'],
              title: 'a login with the right password',
              status: 'failed',
              failureMessages: [failure],
            },
          ],
        },
      ],
    });
    expect(checks[0]?.reason).toContain("Expected header 'content-type' to be 'application/json'");
    const markdown = renderMarkdown(
      mergeLayers(
        [{ layer: 'contracts', target: { name: 'mock', baseUrl: '' }, startedAt: '', durationMs: 0, checks }],
        { strictSecurity: false, target: { name: 't', baseUrl: '' }, startedAt: '2026-01-01T00:00:00.000Z' },
      ),
    );
    expect(markdown).toContain('POST /api/auth/login');
    expect(markdown).toContain('Expected header');
  });
});
