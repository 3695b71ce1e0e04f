// A verification failure says where the response broke the pact, in words, and never quotes the
// value the provider sent — a wrong-shaped token is still a live token.
import { describe, expect, test } from 'vitest';
import { ACCESS_TOKEN_JWT, JSON_CONTENT_TYPE, JWT } from '../../src/pact/matchers.ts';
import type { PactInteraction } from '../../src/verify/pacts.ts';
import { cleanupCheck, formatMismatch, type StateEvent, toChecks } from '../../src/verify/results.ts';

const LIVE_TOKEN = 'opaque-live-access-token-0123456789';

const interaction = (description: string, states: PactInteraction['states'] = []): PactInteraction => ({
  file: 'pact.json',
  description,
  states,
  method: 'POST',
  path: '/api/auth/login',
  expects: '200 {accessToken, refreshToken}',
  raw: {},
});

describe('formatMismatch', () => {
  test('a body value that breaks a pinned pattern is named by path and meaning, never quoted', () => {
    const line = formatMismatch({
      type: 'BodyMismatch',
      path: '$.accessToken',
      actual: JSON.stringify(LIVE_TOKEN),
      expected: '"eyJ..."',
      mismatch: `Expected '${LIVE_TOKEN}' to match '${ACCESS_TOKEN_JWT}'`,
    });
    expect(line).toBe(
      `body $.accessToken: expected a JWT whose payload carries "sub" as a JSON object, got a string of ${LIVE_TOKEN.length} characters`,
    );
    expect(line).not.toContain(LIVE_TOKEN);
  });

  test('a number where a JWT belongs says "a number"', () => {
    const line = formatMismatch({
      type: 'BodyMismatch',
      path: '$.refreshToken',
      actual: '123456789',
      mismatch: `Expected 123456789 to match '${JWT}'`,
    });
    expect(line).toBe('body $.refreshToken: expected a JWT (three base64url segments), got a number');
  });

  test('a missing key is named', () => {
    expect(
      formatMismatch({
        type: 'BodyMismatch',
        path: '$',
        mismatch: 'Actual map is missing the following keys: accessToken',
      }),
    ).toBe('body $: Actual map is missing the following keys: accessToken');
  });

  test('a wrong content type and a status outside the class are said plainly', () => {
    expect(
      formatMismatch({
        type: 'HeaderMismatch',
        key: 'Content-Type',
        actual: 'text/plain',
        expected: 'application/json',
        mismatch: `Mismatch with header 'Content-Type': Expected 'text/plain' to match '${JSON_CONTENT_TYPE}'`,
      }),
    ).toBe(
      'header Content-Type: expected a JSON media type (application/json or application/problem+json), got "text/plain"',
    );
    expect(formatMismatch({ type: 'StatusMismatch', expected: 200, actual: 401 })).toBe(
      'status: expected 200, got 401',
    );
  });

  test('a missing header is reported as missing', () => {
    expect(
      formatMismatch({ type: 'HeaderMismatch', key: 'WWW-Authenticate', expected: 'Bearer', actual: '' }),
    ).toBe('header WWW-Authenticate: missing');
  });
});

describe('toChecks', () => {
  const login = interaction('a login with the right password', [
    { name: 'a registered account', params: { account: 'user' } },
  ]);
  const other = interaction('a login with a wrong password', [
    { name: 'a registered account', params: { account: 'admin' } },
  ]);
  const report = {
    errors: [
      {
        interaction:
          'Verifying a pact between c and p Given a registered account - a login with the right password',
        mismatch: {
          type: 'mismatches',
          mismatches: [{ type: 'StatusMismatch', expected: 200, actual: 500 }],
        },
      },
    ],
    interactionResults: [
      { description: 'a login with the right password', duration: '12ms', result: 'Error' },
      { description: 'a login with a wrong password', duration: '1.5s', result: 'OK' },
    ],
  };

  test('each interaction becomes one contract check, failed with the mismatch or passed', () => {
    const checks = toChecks({ interactions: [login, other], skipped: new Map(), report, events: [] });
    expect(checks.map((c) => [c.id, c.status, c.reason, c.durationMs])).toEqual([
      [
        'login.a-login-with-the-right-password',
        'failed',
        'POST /api/auth/login: status: expected 200, got 500',
        12,
      ],
      ['login.a-login-with-a-wrong-password', 'passed', undefined, 1500],
    ]);
    expect(checks.every((c) => c.layer === 'verification' && c.kind === 'contract')).toBe(true);
    expect(checks[0]?.rule).toBe(
      'POST /api/auth/login: a login with the right password, given a registered account (account: user) is answered 200 {accessToken, refreshToken}',
    );
  });

  test('a state the handler skipped makes its interaction skipped, never failed or passed', () => {
    const events: StateEvent[] = [
      {
        state: 'a registered account',
        params: { account: 'user' },
        action: 'setup',
        outcome: 'skipped',
        reason: 'no accounts.user',
      },
    ];
    const checks = toChecks({ interactions: [login, other], skipped: new Map(), report, events });
    expect(checks[0]).toMatchObject({ status: 'skipped', reason: 'a registered account: no accounts.user' });
    // Same state, other parameters: not affected.
    expect(checks[1]?.status).toBe('passed');
  });

  test('a state that failed to set up is named before the mismatch it caused', () => {
    const events: StateEvent[] = [
      {
        state: 'a registered account',
        params: { account: 'user' },
        action: 'setup',
        outcome: 'failed',
        reason: 'login answered 500',
      },
    ];
    const checks = toChecks({ interactions: [login], skipped: new Map(), report, events });
    expect(checks[0]?.reason).toBe(
      'POST /api/auth/login: state "a registered account (account: user)" could not be set up: login answered 500 — then status: expected 200, got 500',
    );
  });

  test('a state that failed to set up fails its interaction even where the answer matched', () => {
    const events: StateEvent[] = [
      {
        state: 'a registered account',
        params: { account: 'admin' },
        action: 'setup',
        outcome: 'failed',
        reason: 'no recovery mail within 2 s',
      },
    ];
    const checks = toChecks({ interactions: [other], skipped: new Map(), report, events });
    expect(checks[0]).toMatchObject({ status: 'failed' });
    expect(checks[0]?.reason).toBe(
      'POST /api/auth/login: state "a registered account (account: admin)" could not be set up: no recovery mail within 2 s — the answer matched the pact, but without its state that proves nothing',
    );
  });

  test('an interaction the verifier never reported fails with the crash reason', () => {
    const checks = toChecks({
      interactions: [login],
      skipped: new Map(),
      report: undefined,
      events: [],
      crash: 'worker died',
    });
    expect(checks[0]).toMatchObject({ status: 'failed', reason: 'POST /api/auth/login: worker died' });
  });

  test('statically skipped interactions carry their reason', () => {
    const checks = toChecks({
      interactions: [login],
      skipped: new Map([[login, 'target has no mailbox']]),
      report,
      events: [],
    });
    expect(checks[0]).toMatchObject({ status: 'skipped', reason: 'target has no mailbox' });
  });
});

describe('cleanupCheck', () => {
  test('a failed teardown fails the cleanup check with what was left behind', () => {
    const events: StateEvent[] = [
      {
        state: 'a recovery code was sent to the recovery account',
        params: {},
        action: 'teardown',
        outcome: 'failed',
        reason: 'still blocked',
      },
    ];
    expect(cleanupCheck(events, 'staging')).toMatchObject({
      status: 'failed',
      kind: 'behaviour',
      reason: 'after "a recovery code was sent to the recovery account": still blocked',
    });
    expect(cleanupCheck([], 'staging').status).toBe('passed');
  });
});
