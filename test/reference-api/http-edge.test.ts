// Whatever a client sends, the answer is a 4xx problem+json with a clear title: unknown routes,
// wrong methods, wrong content types, malformed or oversized bodies. Never a 5xx.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, paths, startTestApi, type TestApi } from './support.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ bodyLimitBytes: 4096 });
});
afterAll(() => api.close());

function expectProblem(reply: Awaited<ReturnType<typeof call>>, status: number, title: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(reply.body).toMatchObject({ status, title, type: expect.any(String), detail: expect.any(String) });
}

describe('the HTTP edge', () => {
  test('an unknown route answers 404', async () => {
    expectProblem(await call(api.baseUrl, 'GET', '/api/auth/logout'), 404, 'Not Found');
  });

  test('a wrong method answers 405 with Allow', async () => {
    const reply = await call(api.baseUrl, 'DELETE', paths.login);
    expectProblem(reply, 405, 'Method Not Allowed');
    expect(reply.headers.allow).toBe('POST');
    const get = await call(api.baseUrl, 'POST', '/api/accounts/myself', { json: {} });
    expect(get.headers.allow).toBe('GET, HEAD');
    const param = await call(api.mailboxUrl, 'PUT', '/api/v1/message/abc', { json: {} });
    expect(param.headers.allow).toBe('GET, HEAD');
  });

  test('a body over the limit answers 413', async () => {
    const reply = await call(api.baseUrl, 'POST', paths.login, {
      json: { email: 'a@b.test', password: 'x'.repeat(5000) },
    });
    expectProblem(reply, 413, 'Payload Too Large');
  });

  test('a body that is not JSON answers 415, or 400 when it claims to be JSON', async () => {
    expectProblem(
      await call(api.baseUrl, 'POST', paths.login, {
        raw: 'email=a',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'Unsupported Media Type',
    );
    expectProblem(
      await call(api.baseUrl, 'POST', paths.login, {
        raw: 'email=a',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'Unsupported Media Type',
    );
    const broken = await call(api.baseUrl, 'POST', paths.login, {
      raw: '{"email": "a@b.test", "password": "hunter2-secret',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(broken, 400, 'Bad Request');
    expect(broken.text).not.toContain('hunter2-secret');
  });

  test('a JSON value that is not an object answers 400', async () => {
    for (const json of [null, [], 'text', 42, true]) {
      const reply = await call(api.baseUrl, 'POST', paths.login, { json });
      expectProblem(reply, 400, 'Bad Request');
      expect(reply.body.detail).toContain('JSON object');
    }
  });

  test('a __proto__ key is treated as an ordinary unknown field', async () => {
    const reply = await call(api.baseUrl, 'POST', paths.login, {
      raw: '{"__proto__": {"admin": true}, "email": "a@b.test", "password": "wrong-password"}',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(reply, 401, 'Unauthorized');
  });

  test('a problem never echoes the password it was sent', async () => {
    const reply = await call(api.baseUrl, 'POST', paths.login, {
      json: { email: api.accounts.user.email, password: 'correct-horse-battery' },
    });
    expect(reply.status).toBe(401);
    expect(reply.text).not.toContain('correct-horse-battery');
  });
});
