// Verification's live lines name the interaction each replayed request belongs to — by the
// states set up just before it, then method and path — and never show a secret.
import { describe, expect, test } from 'vitest';
import { registerSecret } from '../../src/redact/index.ts';
import { ReplayTracker, replayFilter, replayLine } from '../../src/verify/live.ts';
import type { PactInteraction } from '../../src/verify/pacts.ts';

const interaction = (
  description: string,
  method: string,
  path: string,
  states: string[],
): PactInteraction => ({
  file: 'pact.json',
  description,
  states: states.map((name) => ({ name, params: {} })),
  method,
  path,
  expects: '200',
  raw: {},
});

const LIVE = interaction('a refresh with the live token', 'POST', '/api/auth/refresh', [
  'a live refresh token',
]);
const SPENT = interaction('a refresh with the spent token', 'POST', '/api/auth/refresh', [
  'a spent refresh token',
]);
const LOGIN = interaction('a login with a wrong password', 'POST', '/api/auth/login', []);

describe('ReplayTracker', () => {
  test('the states set up just before a request pick its interaction among those with the same route', () => {
    const tracker = new ReplayTracker([LIVE, SPENT, LOGIN]);
    tracker.stateSetUp('a spent refresh token');
    const first = tracker.replayed('post', '/api/auth/refresh', 401, 12.4);
    expect(first).toMatchObject({
      done: 1,
      of: 3,
      description: SPENT.description,
      method: 'POST',
      status: 401,
    });
    // No state since the last request: the interaction without states on that route.
    expect(tracker.replayed('POST', '/api/auth/login', 400, 3).description).toBe(LOGIN.description);
    tracker.stateSetUp('a live refresh token');
    expect(tracker.replayed('POST', '/api/auth/refresh', 200, 3)).toMatchObject({
      done: 3,
      description: LIVE.description,
    });
  });

  test('a request no interaction matches is still counted and shown by method and path', () => {
    const tracker = new ReplayTracker([LOGIN]);
    const event = tracker.replayed('GET', '/elsewhere?x=1', 404, 1);
    expect(event).toMatchObject({ done: 1, of: 1, description: undefined, path: '/elsewhere' });
    expect(replayLine(event)).toBe('verification: 1/1 GET /elsewhere → 404 in 1 ms');
  });
});

test('without pact files (broker pacts) a request is counted without a total', () => {
  const event = new ReplayTracker([]).replayed('POST', '/api/auth/login', 401, 2);
  expect(event.of).toBeUndefined();
  expect(replayLine(event)).toBe('verification: 1 POST /api/auth/login → 401 in 2 ms');
});

describe('replayLine', () => {
  test('reads as count, route, description, status and time; long descriptions are cut', () => {
    const tracker = new ReplayTracker([LOGIN, { ...LOGIN, description: `a login ${'x'.repeat(80)}` }]);
    expect(replayLine(tracker.replayed('POST', '/api/auth/login', 400, 35.2))).toBe(
      'verification: 1/2 login · "a login with a wrong password" → 400 in 35 ms',
    );
    expect(replayLine(tracker.replayed('POST', '/api/auth/login', 400, 1))).toMatch(/"a login x{51}…" →/);
  });

  test('a secret in the path or the query never reaches the line', () => {
    const secret = 'rc-7f3a91c2d4e5';
    registerSecret(secret);
    const tracker = new ReplayTracker([]);
    const line = replayLine(
      tracker.replayed('GET', `/api/recovery/${secret}?token=eyJhbGciOiJSUzI1NiJ9.e30.c2ln`, 200, 1),
    );
    expect(line).not.toContain(secret);
    expect(line).not.toContain('eyJ');
    expect(line).toContain('/api/recovery/[REDACTED]');
  });
});

describe('replayFilter', () => {
  test('reports a replayed request when its response finishes, and passes state changes through unseen', async () => {
    const heard: string[] = [];
    const filter = replayFilter('/_pactSetup', (method, url, status) =>
      heard.push(`${method} ${url} ${status}`),
    );
    const finish: (() => void)[] = [];
    const response = { statusCode: 0, once: (_: 'finish', listener: () => void) => finish.push(listener) };
    let passed = 0;
    filter({ method: 'POST', url: '/_pactSetup' }, response, () => passed++);
    expect(passed).toBe(1);
    await new Promise<void>((resolve) =>
      filter({ method: 'POST', url: '/api/auth/login' }, response, resolve),
    );
    expect(heard).toEqual([]);
    response.statusCode = 400;
    for (const listener of finish) listener();
    expect(heard).toEqual(['POST /api/auth/login 400']);
  });

  test('the state’s last step runs before the replay goes on, and its failure does not hold the replay', async () => {
    const order: string[] = [];
    const response = { statusCode: 200, once: () => {} };
    const filter = replayFilter(
      '/_pactSetup',
      () => {},
      async () => {
        order.push('before');
      },
    );
    await new Promise<void>((resolve) => filter({ method: 'POST', url: '/x' }, response, resolve));
    order.push('sent');
    expect(order).toEqual(['before', 'sent']);
    const failing = replayFilter(
      '/_pactSetup',
      () => {},
      () => Promise.reject(new Error('no refusal')),
    );
    await new Promise<void>((resolve) => failing({ method: 'POST', url: '/x' }, response, resolve));
  });
});
