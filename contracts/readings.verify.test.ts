// The contracts follow the target's readings: for each reading of the OPEN points, the consumer
// contracts written for it hold against a reference API serving it, the pacts say which readings
// they were written for, and verification refuses a pact written for other readings in one line.
// Each reading's pact is also shown to pin its reading: it fails against a server that takes the
// other one while its target file claims this one.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../src/errors.ts';
import { runContracts } from '../src/gate/contracts.ts';
import { listPactFiles } from '../src/pact/pact-files.ts';
import { generateKeys, type ReferenceApiOptions, startReferenceApi } from '../src/reference-api/index.ts';
import type { ReferenceKeyPair } from '../src/reference-api/keys.ts';
import { READINGS_METADATA_KEY, readingsOf, type TargetOptions } from '../src/target/index.ts';
import { openVerificationSession, type VerificationSession } from '../src/verify/session.ts';
import { verifyPacts } from '../src/verify/verify.ts';
import { ensurePacts } from '../src/verify/write-pacts.ts';
import { targetFor } from './verify-support.ts';

interface Reading {
  name: string;
  /** How the reference API serves it. */
  serve: ReferenceApiOptions;
  /** A server taking the other reading, whose target file still claims this one: the pact must fail there. */
  other?: ReferenceApiOptions;
  /** Interactions that must fail against `other`. */
  failsAgainstOther?: string[];
}

const LOGIN = 'login.a-login-with-the-right-password-that-skips-multi-factor-authentication';
const REFRESH = 'refresh.a-refresh-with-the-live-token';
const RIGHT_CODE = 'change-password-with-recovery-code.a-password-change-with-the-right-recovery-code';

const READINGS: Reading[] = [
  {
    name: 'refresh token as Bearer',
    serve: { refreshTokenIn: 'bearer' },
    other: { refreshTokenIn: 'body' },
    failsAgainstOther: [REFRESH],
  },
  {
    name: 'refresh token as an object',
    serve: { refreshTokenShape: 'object' },
    other: { refreshTokenShape: 'string' },
    failsAgainstOther: [LOGIN, REFRESH],
  },
  {
    name: 'recovery code as a JSON number',
    serve: { recoveryCodeType: 'number' },
    other: { recoveryCodeType: 'string' },
    failsAgainstOther: [RIGHT_CODE],
  },
  { name: 'wrong password 400', serve: { wrongPasswordStatus: 400 } },
  {
    name: 'blocked 403',
    serve: { blockedStatus: 403 },
    other: { blockedStatus: 423 },
    failsAgainstOther: [
      'change-password-with-recovery-code.a-password-change-with-the-right-recovery-code-while-recovery-is-blocked',
    ],
  },
  { name: 'blocked 429', serve: { blockedStatus: 429 } },
];

/**
 * Writing contracts is a vitest run of its own, nearly all start-up; so the readings are written
 * in two deployments that each take several at once (the readings are independent options; one
 * `blockedStatus` per deployment). Each reading alone, the whole gate, is the readings project's job.
 */
const DEPLOYMENTS: string[][] = [
  ['refresh token as Bearer', 'recovery code as a JSON number', 'wrong password 400', 'blocked 403'],
  ['refresh token as an object', 'blocked 429'],
];

const deploymentOf = (reading: Reading): Reading[] => {
  const names = DEPLOYMENTS.find((names) => names.includes(reading.name)) ?? [reading.name];
  return READINGS.filter((r) => names.includes(r.name));
};
const servedBy = (readings: Reading[]): ReferenceApiOptions =>
  Object.assign({}, ...readings.map((r) => r.serve));

/** Contracts run, verification and a second server per reading: a minute or two on a busy machine. */
const TEST_TIMEOUT_MS = 240_000;

let keys: ReferenceKeyPair[];
let session: VerificationSession;
let scratch: string;
/** Per deployment: its contracts, written and verified once, whichever test asks first. */
const deployments = new Map<string, Promise<{ pactDir: string; claim: TargetOptions }>>();

beforeAll(async () => {
  keys = await generateKeys(1);
  session = openVerificationSession();
  scratch = await mkdtemp(join(tmpdir(), 'facilioo-auth-readings-'));
});

afterAll(async () => {
  await session?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** A reference API in `options`, described by its own target file (with `claim` laid over the options). */
async function serve(options: ReferenceApiOptions, claim: Partial<TargetOptions> = {}) {
  const api = await startReferenceApi({ control: true, keys, ...options });
  return { api, target: targetFor(api, claim) };
}

async function writeContracts(name: string, target: Parameters<typeof readingsOf>[0]) {
  const pactDir = join(scratch, name.replace(/\W+/g, '-'));
  const report = await runContracts({
    reportDir: join(pactDir, 'report'),
    pactDir,
    readings: readingsOf(target),
  });
  expect(report.checks.filter((check) => check.status !== 'passed')).toEqual([]);
  return pactDir;
}

/**
 * The deployment serving `readings`: its contracts written, their pact saying so, and verified
 * against it. Shared by the tests of its readings.
 */
function deployment(readings: Reading[]): Promise<{ pactDir: string; claim: TargetOptions }> {
  const key = readings.map((r) => r.name).join(' + ');
  let ready = deployments.get(key);
  if (!ready) {
    ready = (async () => {
      const { api, target } = await serve(servedBy(readings));
      try {
        const pactDir = await writeContracts(key, target);
        const [file] = await listPactFiles(pactDir);
        const pact = JSON.parse(await readFile(file!, 'utf8')) as { metadata: Record<string, unknown> };
        expect(pact.metadata[READINGS_METADATA_KEY]).toEqual(readingsOf(target));
        const result = await verifyPacts({
          target,
          pactDir,
          session,
          reportDir: join(pactDir, 'verification'),
        });
        expect(result.checks.filter((check) => check.status !== 'passed')).toEqual([]);
        return { pactDir, claim: target.options };
      } finally {
        await api.close();
      }
    })();
    deployments.set(key, ready);
  }
  return ready;
}

// Side by side: each test has its own servers; the two contracts runs overlap, and the
// verifications queue on the one worker.
describe.concurrent.each(READINGS)('$name', (reading) => {
  test(
    'the contracts written for it hold against a reference API serving it, say so in the pact, and fail where the server takes the other reading',
    async () => {
      const readings = deploymentOf(reading);
      const { pactDir, claim } = await deployment(readings);
      if (!reading.other) return;
      // The pact pins the reading: a server taking the other one fails it, though its file claims this one.
      const other = await serve({ ...servedBy(readings), ...reading.other }, claim);
      try {
        const failing = await verifyPacts({
          target: other.target,
          pactDir,
          session,
          reportDir: join(scratch, `${reading.name.replace(/\W+/g, '-')}-other`),
        });
        const failed = failing.checks.filter((check) => check.status === 'failed').map((check) => check.id);
        expect(failed).toEqual(expect.arrayContaining(reading.failsAgainstOther ?? []));
      } finally {
        await other.api.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe('a pact written for other readings', () => {
  test(
    'is refused before any request, in one line naming the pact, the target and each difference',
    async () => {
      const { api, target } = await serve({});
      const object = await serve({ refreshTokenShape: 'object', recoveryCodeType: 'number' });
      try {
        // Refused on the metadata alone, before any request: the pacts of this checkout, marked as
        // written for the spec's readings, serve without a contracts run of their own.
        const pactDir = join(scratch, 'defaults');
        await mkdir(pactDir, { recursive: true });
        for (const file of await ensurePacts()) {
          const pact = JSON.parse(await readFile(file, 'utf8')) as { metadata?: Record<string, unknown> };
          pact.metadata = { ...pact.metadata, [READINGS_METADATA_KEY]: readingsOf(target) };
          await writeFile(join(pactDir, basename(file)), JSON.stringify(pact));
        }
        const error = await verifyPacts({ target: object.target, pactDir, session }).catch((e) => e);
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).exitCode).toBe(2);
        const message = (error as Error).message;
        expect(message.split('\n')).toHaveLength(1);
        expect(message).toContain(pactDir);
        expect(message).toContain('target "reference"');
        expect(message).toContain('refreshTokenShape "string" (target: "object")');
        expect(message).toContain('recoveryCodeType "string" (target: "number")');
        expect(message).toContain('facilioo-auth gate --target FILE');
      } finally {
        await api.close();
        await object.api.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
