// The contracts follow the target's readings: for each reading of the OPEN points, the consumer
// contracts written for it hold against a reference API serving it, the pacts say which readings
// they were written for, and verification refuses a pact written for other readings in one line.
// Each reading's pact is also shown to pin its reading: it fails against a server that takes the
// other one while its target file claims this one.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../src/errors.ts';
import { runContracts } from '../src/gate/contracts.ts';
import { listPactFiles } from '../src/pact/pact-files.ts';
import { generateKeys, type ReferenceApiOptions, startReferenceApi } from '../src/reference-api/index.ts';
import type { ReferenceKeyPair } from '../src/reference-api/keys.ts';
import { READINGS_METADATA_KEY, readingsOf, type TargetOptions } from '../src/target/index.ts';
import { openVerificationSession, type VerificationSession } from '../src/verify/session.ts';
import { verifyPacts } from '../src/verify/verify.ts';
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

/** Each test writes the contracts (a vitest run of its own) and verifies twice: minutes on a busy machine. */
const TEST_TIMEOUT_MS = 240_000;

let keys: ReferenceKeyPair[];
let session: VerificationSession;
let scratch: string;

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

describe.each(READINGS)('$name', (reading) => {
  test(
    'the contracts written for it hold against a reference API serving it, and say so in the pact',
    async () => {
      const { api, target } = await serve(reading.serve);
      try {
        const pactDir = await writeContracts(reading.name, target);
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

        if (!reading.other) return;
        // The pact pins the reading: a server taking the other one fails it, though its file claims this one.
        const other = await serve(reading.other, target.options);
        try {
          const failing = await verifyPacts({
            target: other.target,
            pactDir,
            session,
            reportDir: join(pactDir, 'other'),
          });
          const failed = failing.checks.filter((check) => check.status === 'failed').map((check) => check.id);
          expect(failed).toEqual(expect.arrayContaining(reading.failsAgainstOther ?? []));
        } finally {
          await other.api.close();
        }
      } finally {
        await api.close();
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
        const pactDir = await writeContracts('defaults', target);
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
