// Every command that sends requests first asks the same two questions — is this production, and
// is the target even the API? — and a wrong answer is exit 2 with one line, before any check runs
// and with the previous reports left exactly as they were.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { closedPort, htmlServer, startServer, type TestServer } from '../preflight/servers.ts';

let dir: string;
let api: RunningReferenceApi;
let html: TestServer;
let counting: TestServer;
let closedUrl: string;
const PREVIOUS = '<!doctype html><p>the last good report</p>\n';

beforeAll(async () => {
  vi.stubEnv('FACILIOO_TARGET', '');
  // Vite sets BASE_URL="/" in test processes; the load command reads it as a target override.
  vi.stubEnv('BASE_URL', '');
  dir = await mkdtemp(join(tmpdir(), 'facilioo-before-run-'));
  api = await startReferenceApi({ host: '127.0.0.1', port: 0 });
  html = await htmlServer();
  // Answers like the API would, so only the guard can stop a command from reaching it.
  counting = await startServer((_request, response) => {
    response.writeHead(401, { 'content-type': 'application/problem+json' });
    response.end('{"title":"Unauthorized","status":401}');
  });
  closedUrl = await closedPort();
  await mkdir(join(dir, 'pacts'));
  await writeFile(join(dir, 'pacts', 'placeholder.json'), '{}');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await api.close();
  await html.close();
  await counting.close();
  await rm(dir, { recursive: true, force: true });
});

/** The arguments each command takes to run against `file`, writing under `reports`. */
const COMMANDS: Record<string, (file: string, reports: string) => string[]> = {
  gate: (file, reports) => ['gate', '--target', file, '--report-dir', reports],
  verify: (file, reports) => [
    'verify',
    '--target',
    file,
    '--pacts',
    join(dir, 'pacts'),
    '--report-dir',
    join(reports, 'verification'),
  ],
  scenarios: (file, reports) => ['scenarios', '--target', file, '--report-dir', join(reports, 'scenarios')],
  load: (file) => ['load', 'rate-limit-probe', '--target', file],
  probe: (file, reports) => ['probe', '--target', file, '--report-dir', join(reports, 'load')],
};

async function targetFile(name: string, change: (doc: Record<string, unknown>) => void): Promise<string> {
  const doc = api.targetDocument([]) as unknown as Record<string, unknown>;
  doc.options = { ...(doc.options as object), requestTimeoutSeconds: 2 };
  change(doc);
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(doc));
  return file;
}

/** A reports folder holding a previous run's page, which a refused run must leave alone. */
async function previousReports(name: string): Promise<string> {
  const reports = join(dir, `reports-${name}`);
  await mkdir(reports, { recursive: true });
  await writeFile(join(reports, 'index.html'), PREVIOUS);
  return reports;
}

const WRONG_TARGETS: [string, (doc: Record<string, unknown>) => void, RegExp][] = [
  [
    'a closed port',
    (doc) => {
      doc.baseUrl = closedUrl;
    },
    /connection refused/,
  ],
  [
    'an HTML server',
    (doc) => {
      doc.baseUrl = html.url;
    },
    /HTML instead of JSON/,
  ],
  [
    'a wrong password',
    (doc) => {
      for (const account of Object.values(doc.accounts as Record<string, { password: string }>))
        account.password = 'wrong-password-123';
    },
    /login refused \(401\).*password variables/,
  ],
];

describe.each(Object.keys(COMMANDS))('facilioo-auth %s', (command) => {
  const args = COMMANDS[command]!;

  test.each(WRONG_TARGETS)(
    'against %s: exit 2, one line naming URL and cause, reports untouched',
    async (label, change, cause) => {
      const file = await targetFile(`${command}-${label.replace(/\W+/g, '-')}`, change);
      const reports = await previousReports(`${command}-${label.replace(/\W+/g, '-')}`);
      const { code, out } = await runCli(args(file, reports));
      expect(code, out).toBe(2);
      const lines = out.trim().split('\n');
      expect(lines, out).toHaveLength(1);
      expect(lines[0]).toMatch(/^facilioo-auth: preflight: POST http:\/\/127\.0\.0\.1:\d+\/api\/auth\/\w+/);
      expect(lines[0]).toMatch(cause);
      expect(await readFile(join(reports, 'index.html'), 'utf8')).toBe(PREVIOUS);
    },
  );

  test.each([
    [
      'named production',
      (doc: Record<string, unknown>) => {
        doc.name = 'production';
      },
    ],
    [
      'flagged "production": true',
      (doc: Record<string, unknown>) => {
        doc.production = true;
      },
    ],
  ])('a target %s is refused before any request unless --allow-production', async (label, change) => {
    const file = await targetFile(`${command}-prod-${label.replace(/\W+/g, '-')}`, (doc) => {
      change(doc);
      doc.baseUrl = counting.url;
    });
    const reports = await previousReports(`${command}-prod-${label.replace(/\W+/g, '-')}`);
    const before = counting.requests();
    const { code, out } = await runCli(args(file, reports));
    expect(code, out).toBe(2);
    expect(out).toMatch(/is production; nothing was sent — pass --allow-production/);
    expect(counting.requests()).toBe(before);
    expect(await readFile(join(reports, 'index.html'), 'utf8')).toBe(PREVIOUS);
  });
});

// With --allow-production the guard lets the command through to the preflight (which this
// counting server fails: it refuses the login) — proof the refusal above came from the guard.
test('--allow-production lets a production target through to the preflight', async () => {
  const file = await targetFile('allowed-prod', (doc) => {
    doc.production = true;
    doc.baseUrl = counting.url;
  });
  const before = counting.requests();
  const { code, out } = await runCli(['scenarios', '--target', file, '--allow-production']);
  expect(code, out).toBe(2);
  expect(out).toMatch(/login refused/);
  expect(counting.requests()).toBeGreaterThan(before);
});

test('a probe on production needs --allow-destructive as well', async () => {
  const file = await targetFile('probe-prod', (doc) => {
    doc.name = 'prod';
    doc.baseUrl = counting.url;
  });
  const before = counting.requests();
  const { code, out } = await runCli(['probe', '--target', file, '--allow-production']);
  expect(code, out).toBe(2);
  expect(out).toMatch(/bursts its rate limit; nothing was sent — pass --allow-destructive/);
  expect(counting.requests()).toBe(before);
});
