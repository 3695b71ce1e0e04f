/**
 * `npm run bench:reference`: how close the reference API comes to the RS256 signing ceiling, and
 * whether its rate limiter over-admits.
 *
 * 1. Ceiling: one core signing access-token-shaped JWTs with jose, one after another, in this
 *    process (tokens/s).
 * 2. logins/s and refreshes/s over real HTTP against `facilioo-auth serve` in a child process
 *    (loopback, a few concurrent connections, fixed duration). Each login or refresh signs two
 *    tokens, so the goal is ≥ 0.7 × ceiling / 2.
 * 3. The limiter: 10× its limit offered at once within one window, per algorithm; the goal is
 *    zero over-admission.
 *
 * Numbers depend on the machine and on whatever else runs on it: compare ratios, not absolutes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CompactSign, importPKCS8 } from 'jose';
import { Pool } from 'undici';
import {
  generateKeys,
  LIMITER_ALGORITHMS,
  type LimiterAlgorithm,
  ManualClock,
  startReferenceApi,
} from '../src/reference-api/index.ts';

const CONNECTIONS = 8;
const WARMUP_MS = 1_000;
const MEASURE_MS = 5_000;
const CEILING_MS = 3_000;
const LIMIT = 50;
const GOAL = 0.7;

const encoder = new TextEncoder();

async function signingCeiling(): Promise<number> {
  const [pair] = await generateKeys(1);
  const key = await importPKCS8(pair!.privateKeyPem, 'RS256');
  const sign = (i: number) =>
    new CompactSign(
      encoder.encode(
        JSON.stringify({
          nbf: 1_700_000_000 + i,
          exp: 1_700_003_600 + i,
          iss: 'ref-api.facilioo.test',
          aud: 'ref-app.facilioo.test',
          sub: { accountId: 4, companyId: 2 },
        }),
      ),
    )
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .sign(key);
  for (let i = 0; i < 50; i++) await sign(i);
  let signed = 0;
  const started = performance.now();
  while (performance.now() - started < CEILING_MS) await sign(signed++);
  return signed / ((performance.now() - started) / 1000);
}

interface Server {
  baseUrl: string;
  credentials: { email: string; password: string };
  stop(): Promise<void>;
}

async function startServerProcess(): Promise<Server> {
  const directory = await mkdtemp(join(tmpdir(), 'facilioo-bench-'));
  const targetFile = join(directory, 'bench.json');
  const child = spawn(
    process.execPath,
    [
      resolve(import.meta.dirname, '../bin/facilioo-auth.js'),
      'serve',
      '--port',
      '0',
      '--write-target',
      targetFile,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const baseUrl = await new Promise<string>((done, fail) => {
    const poll = setInterval(() => {
      const match = /base URL\s+(\S+)/.exec(output);
      if (match && output.includes('Stop with')) {
        clearInterval(poll);
        done(match[1]!);
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(poll);
      fail(new Error(`serve exited with ${code} before listening:\n${output}`));
    });
  });
  const target = JSON.parse(await readFile(targetFile, 'utf8'));
  return {
    baseUrl,
    credentials: target.accounts.user,
    stop: async () => {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function post(
  pool: Pool,
  path: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, string> }> {
  const response = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.body.json()) as Record<string, string>;
  return { status: response.statusCode, json };
}

/** Runs `CONNECTIONS` loops of `step` for warm-up + measurement; counts successes in the measurement. */
async function throughput(
  step: (loop: number) => Promise<boolean>,
): Promise<{ perSecond: number; failures: number }> {
  let measuring = false;
  let done = false;
  let ok = 0;
  let failures = 0;
  const loops = Array.from({ length: CONNECTIONS }, async (_, loop) => {
    while (!done) {
      const success = await step(loop);
      if (!measuring) continue;
      if (success) ok++;
      else failures++;
    }
  });
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const seconds = (performance.now() - started) / 1000;
  const counted = ok;
  done = true;
  await Promise.all(loops);
  return { perSecond: counted / seconds, failures };
}

async function httpThroughput(server: Server) {
  const pool = new Pool(server.baseUrl, { connections: CONNECTIONS });
  try {
    const logins = await throughput(
      async () => (await post(pool, '/api/auth/login', server.credentials)).status === 200,
    );
    const chains: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      chains.push((await post(pool, '/api/auth/login', server.credentials)).json.refreshToken!);
    }
    const refreshes = await throughput(async (loop) => {
      const reply = await post(pool, '/api/auth/refresh', { refreshToken: chains[loop] });
      if (reply.status !== 200) return false;
      chains[loop] = reply.json.refreshToken!;
      return true;
    });
    return { logins, refreshes };
  } finally {
    await pool.close();
  }
}

async function limiterAccuracy(algorithm: LimiterAlgorithm, keys: Awaited<ReturnType<typeof generateKeys>>) {
  // A frozen clock keeps the whole burst inside one window, whatever the machine's speed.
  const api = await startReferenceApi({
    keys,
    clock: new ManualClock(),
    limits: {
      algorithm,
      permitLimit: LIMIT,
      windowSeconds: 60,
      tokensPerPeriod: LIMIT,
      replenishmentPeriodSeconds: 60,
    },
  });
  const pool = new Pool(api.baseUrl, { connections: 64 });
  try {
    const offered = LIMIT * 10;
    const statuses = await Promise.all(
      Array.from(
        { length: offered },
        async () =>
          (await post(pool, '/api/auth/recover-password', { email: 'nobody@nowhere.facilioo.test' })).status,
      ),
    );
    return {
      offered,
      admitted: statuses.filter((s) => s === 200).length,
      rejected: statuses.filter((s) => s === 429).length,
      other: statuses.filter((s) => s !== 200 && s !== 429).length,
    };
  } finally {
    await pool.close();
    await api.close();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n');
}

const fixed = (n: number, digits = 0) => n.toFixed(digits);

console.log(
  `reference API benchmark — Node ${process.version}, ${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')}`,
);
console.log(`signing ceiling: one core, sequential jose RS256 signatures for ${CEILING_MS / 1000} s ...`);
const ceiling = await signingCeiling();
console.log(
  `HTTP: ${CONNECTIONS} connections, ${WARMUP_MS / 1000} s warm-up + ${MEASURE_MS / 1000} s per operation, server in a child process ...`,
);
const server = await startServerProcess();
let http: Awaited<ReturnType<typeof httpThroughput>>;
try {
  http = await httpThroughput(server);
} finally {
  await server.stop();
}
const perRequestCeiling = ceiling / 2;
const rows = [
  ['measure', 'per second', 'ratio to ceiling/2', `goal ≥ ${GOAL}`, 'failed requests'],
  ['RS256 signatures (ceiling)', fixed(ceiling), '', '', ''],
  [
    'logins over HTTP',
    fixed(http.logins.perSecond),
    fixed(http.logins.perSecond / perRequestCeiling, 2),
    http.logins.perSecond / perRequestCeiling >= GOAL ? 'met' : 'MISSED',
    String(http.logins.failures),
  ],
  [
    'refreshes over HTTP',
    fixed(http.refreshes.perSecond),
    fixed(http.refreshes.perSecond / perRequestCeiling, 2),
    http.refreshes.perSecond / perRequestCeiling >= GOAL ? 'met' : 'MISSED',
    String(http.refreshes.failures),
  ],
];
console.log(`\n${table(rows)}\n`);

console.log(
  `rate limiter: ${LIMIT * 10} concurrent recover-password requests against a limit of ${LIMIT} per window ...`,
);
const keys = await generateKeys(1);
const limiterRows = [['algorithm', 'offered', 'limit', 'admitted', 'rejected 429', 'other', 'over-admitted']];
for (const algorithm of LIMITER_ALGORITHMS) {
  const result = await limiterAccuracy(algorithm, keys);
  limiterRows.push([
    algorithm,
    String(result.offered),
    String(LIMIT),
    String(result.admitted),
    String(result.rejected),
    String(result.other),
    String(Math.max(0, result.admitted - LIMIT)),
  ]);
}
console.log(`\n${table(limiterRows)}\n`);
