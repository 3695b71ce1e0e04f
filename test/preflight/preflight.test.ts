// The preflight tells a wrong target from a broken API: each way a target can be wrong ends
// the round with one line naming the URL and the cause, within requestTimeoutSeconds.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type PreflightError, preflight } from '../../src/preflight/index.ts';
import { type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import { parseTarget, type Target } from '../../src/target/index.ts';
import { closedPort, htmlServer, silentServer, type TestServer } from './servers.ts';

let api: RunningReferenceApi;
const servers: TestServer[] = [];
beforeAll(async () => {
  api = await startReferenceApi({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await api.close();
  for (const server of servers) await server.close();
});

function targetAt(baseUrl: string, change: (doc: Record<string, unknown>) => void = () => {}): Target {
  const doc = api.targetDocument([]) as unknown as Record<string, unknown>;
  doc.baseUrl = baseUrl;
  doc.options = { ...(doc.options as object), requestTimeoutSeconds: 1 };
  change(doc);
  return parseTarget(doc, { source: 'test.json', baseDir: '.', env: {} });
}

async function failure(target: Target): Promise<PreflightError> {
  const error = await preflight(target).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the preflight passed').toBeDefined();
  return error as PreflightError;
}

describe('preflight', () => {
  test('passes against the reference API: reachable, JSON, the login accepted', async () => {
    const result = await preflight(targetAt(api.baseUrl));
    expect(result.lines.join('\n')).toMatch(/accepts the login of accounts\.\w+/);
  });

  test('a closed port: connection refused, naming the URL', async () => {
    const url = await closedPort();
    const error = await failure(targetAt(url));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(url);
    expect(error.message).toMatch(/connection refused/);
    expect(error.message.split('\n')).toHaveLength(1);
  });

  test('a web page where the API should be: HTML instead of JSON', async () => {
    const server = await htmlServer();
    servers.push(server);
    const error = await failure(targetAt(server.url));
    expect(error.message).toMatch(/HTML instead of JSON/);
    expect(error.message).toContain(server.url);
  });

  test('a wrong password: login refused, pointing at the password variables', async () => {
    const error = await failure(
      targetAt(api.baseUrl, (doc) => {
        const accounts = doc.accounts as Record<string, { email: string; password: string }>;
        for (const account of Object.values(accounts)) account.password = 'not-the-password-1';
      }),
    );
    expect(error.message).toMatch(/login refused \(401\)/);
    expect(error.message).toMatch(/password variables/);
    expect(error.message).not.toContain('not-the-password-1');
  });

  test('https to a plain-HTTP server: TLS named as the cause', async () => {
    const error = await failure(targetAt(api.baseUrl.replace('http:', 'https:')));
    expect(error.message).toMatch(/TLS failed/);
  });

  test('a server that never answers: ends after requestTimeoutSeconds, naming the bound', async () => {
    const server = await silentServer();
    servers.push(server);
    const error = await failure(targetAt(server.url));
    expect(error.message).toMatch(/no answer within 1 s \(requestTimeoutSeconds\)/);
  });

  test('a route the target does not have: 404 names the paths to check', async () => {
    const error = await failure(
      targetAt(api.baseUrl, (doc) => {
        doc.paths = { login: '/api/nowhere/login' };
      }),
    );
    expect(error.message).toMatch(/404: no such auth route/);
  });
});
