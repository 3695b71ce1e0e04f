// Property: no request body, content type or header a client can send makes the reference API
// answer 5xx, drop problem+json on an error, or corrupt its state — the seeded login, the
// protected call and a refresh still work afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEFAULT_PROTECTED_PATH } from '../../src/target/types.ts';
import { type CallOptions, call, login, paths, startTestApi, type TestApi } from './support.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ control: true });
});
afterAll(() => api.close());

type Json = Record<string, unknown>;

// Each endpoint with bodies it would accept; mutating one field of a valid body puts wrong types
// and extreme values exactly where validation has to catch them.
const ENDPOINTS: [method: string, path: string, valid: Json[]][] = [
  ['POST', paths.login, [{ email: 'a@b.test', password: 'secret-1', skipMultiFactorAuthentication: true }]],
  ['POST', paths.refresh, [{ refreshToken: 'a.b.c' }]],
  ['POST', paths.recoverPassword, [{ email: 'a@b.test' }]],
  [
    'PUT',
    paths.changePasswordWithRecoveryCode,
    [{ email: 'a@b.test', password: 'secret-12', recoveryCode: '123456' }],
  ],
  ['POST', paths.unblockRecoveryCode, [{ email: 'a@b.test' }]],
  ['GET', DEFAULT_PROTECTED_PATH, [{}]],
  ['GET', '/mailbox/api/v1/search', [{}]],
  ['DELETE', '/mailbox/api/v1/messages', [{ IDs: ['x'] }]],
  ['GET', '/mailbox/api/v1/message/latest', [{}]],
  ['POST', '/_control/clock', [{ advanceSeconds: 1 }, { set: '2030-01-01T00:00:00Z' }]],
  ['PUT', '/_control/defects', [{ defects: [] }]],
  ['GET', '/_control/accounts/x/recovery', [{}]],
  // Wrong methods and unknown routes take the same path through the edge.
  ['PATCH', paths.login, [{ email: 'a@b.test' }]],
  ['POST', '/api/auth/unknown', [{ email: 'a@b.test' }]],
];

const extreme = fc.constantFrom(
  1e300,
  -1e300,
  2 ** 53,
  -1,
  0.5,
  999_999,
  1_000_000,
  '',
  '123456',
  '__proto__',
  '\u0000',
  '0'.repeat(7),
  'x'.repeat(2000),
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
);
const fieldValue = fc.oneof(
  { arbitrary: extreme, weight: 3 },
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
);

const mutated = (valid: Json[]) =>
  fc
    .tuple(
      fc.constantFrom(...valid),
      fc.nat(),
      fieldValue,
      fc.constantFrom('replace', 'replace', 'replace', 'delete', 'add'),
    )
    .map(([body, pick, value, how]): Json => {
      const keys = Object.keys(body);
      const key = keys.length > 0 && how !== 'add' ? keys[pick % keys.length]! : `extra${pick % 3}`;
      const copy: Json = { ...body };
      if (how === 'delete') delete copy[key];
      else copy[key] = value;
      return copy;
    });

const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.~+/= {}"'.split('')), maxLength: 60 });

const options = (valid: Json[]) =>
  fc.oneof(
    { arbitrary: mutated(valid).map((json): CallOptions => ({ json })), weight: 5 },
    fc.jsonValue().map((json): CallOptions => ({ json })),
    fc
      .integer({ min: 60_000, max: 200_000 })
      .map((n): CallOptions => ({ json: { ...valid[0], email: 'x'.repeat(n) } })),
    fc.uint8Array({ maxLength: 200 }).map(
      (bytes): CallOptions => ({
        raw: Buffer.from(bytes),
        headers: { 'content-type': 'application/json' },
      }),
    ),
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          'application/problem+json',
        ),
        fc.string({ maxLength: 100 }),
      )
      .map(([type, raw]): CallOptions => ({ raw, headers: { 'content-type': type } })),
    fc.constant<CallOptions>({}),
  );

const request = fc.record({
  target: fc
    .constantFrom(...ENDPOINTS)
    .chain(([method, path, valid]) => options(valid).map((body) => ({ method, path, body }))),
  query: fc.option(
    fc.tuple(fc.string({ maxLength: 30 }), fc.oneof(fc.integer().map(String), fc.string({ maxLength: 5 }))),
    {
      nil: undefined,
    },
  ),
  authorization: fc.option(
    fc.oneof(
      printable.map((s) => `Bearer ${s}`),
      printable,
    ),
    { nil: undefined },
  ),
});

test('no request makes it answer 5xx or leave problem+json, and its state stays intact', async () => {
  await fc.assert(
    fc.asyncProperty(request, async ({ target: { method, path, body }, query, authorization }) => {
      const search = query
        ? `?query=${encodeURIComponent(query[0])}&limit=${encodeURIComponent(query[1])}`
        : '';
      const headers = { ...body.headers, ...(authorization ? { authorization } : {}) };
      const reply = await call(api.baseUrl, method, `${path}${search}`, { ...body, headers });
      expect(reply.status).toBeGreaterThanOrEqual(200);
      expect(reply.status).toBeLessThan(500);
      if (reply.status >= 400) {
        expect(reply.headers['content-type']).toBe('application/problem+json; charset=utf-8');
        expect(reply.body).toMatchObject({
          status: reply.status,
          title: expect.any(String),
          detail: expect.any(String),
        });
      }
    }),
    { numRuns: 500 },
  );

  // Whatever the property did to the clock or the defects, the seeded state must still serve.
  expect(api.activeDefects()).toEqual([]);
  api.clock.reset();
  const { accessToken, refreshToken } = await login(api, 'user');
  expect((await call(api.baseUrl, 'GET', DEFAULT_PROTECTED_PATH, { token: accessToken })).status).toBe(200);
  expect((await call(api.baseUrl, 'POST', paths.refresh, { json: { refreshToken } })).status).toBe(200);
});
