// The provider side: the pacts hold against a clean reference API, and every defect that changes
// a documented response shape fails verification with a message naming the interaction and the
// field — so a staging server with that defect would fail the gate the same way.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiError, AuthClient, MemoryTokenStore } from '../src/client/index.ts';
import { DEFECTS, type DefectName } from '../src/reference-api/defects.ts';
import { startReferenceApi } from '../src/reference-api/index.ts';
import type { CheckResult } from '../src/report/types.ts';
import { type ResolvedTarget, resolveTarget, type Target } from '../src/target/index.ts';
import { replayLine, type VerificationEvent } from '../src/verify/live.ts';
import { routeOf, slug } from '../src/verify/pacts.ts';
import { openVerificationSession, type VerificationSession } from '../src/verify/session.ts';
import { verifyPacts } from '../src/verify/verify.ts';
import { ensurePacts } from '../src/verify/write-pacts.ts';
import { scratchDir, targetFor } from './verify-support.ts';

const LOGIN = 'login.a-login-with-the-right-password-that-skips-multi-factor-authentication';
const REFRESH = 'refresh.a-refresh-with-the-live-token';
const WRONG_PASSWORD = 'login.a-login-with-a-wrong-password';
const SPENT_TOKEN = 'refresh.a-refresh-with-the-spent-token';

/**
 * For each shape defect: the interactions that must fail, and what every failure reason must
 * name. Keyed by every shape defect the reference API has, so a new one fails here until covered.
 */
const SHAPE_DEFECTS: Record<string, { failing: string[]; names: RegExp }> = {
  'access-token-renamed': { failing: [LOGIN, REFRESH], names: /accessToken/ },
  'access-token-missing': { failing: [LOGIN, REFRESH], names: /accessToken/ },
  'refresh-token-renamed': { failing: [LOGIN, REFRESH], names: /refreshToken/ },
  'refresh-token-not-string': { failing: [LOGIN, REFRESH], names: /refreshToken/ },
  'access-token-not-jwt': { failing: [LOGIN, REFRESH], names: /\$\.accessToken: expected a JWT/ },
  'sub-as-string': { failing: [LOGIN, REFRESH], names: /\$\.accessToken: expected .*"sub" as a JSON object/ },
  'problem-json-missing': {
    failing: [WRONG_PASSWORD, SPENT_TOKEN],
    names: /Content-Type: expected a JSON media type/,
  },
};

const byId = (checks: CheckResult[]) => new Map(checks.map((check) => [check.id, check]));
const failedIds = (checks: CheckResult[]) => checks.filter((c) => c.status === 'failed').map((c) => c.id);

let resolved: ResolvedTarget;
let session: VerificationSession;
let reportDir: string;

/** The run against a target without a control URL: its own server and worker, started at once. */
let withoutControl: Promise<NoControlRun>;

beforeAll(async () => {
  // Run alone (`--project verification`), nothing has written the pacts yet.
  await ensurePacts();
  // Its real waits (token expiry, limiter windows) overlap the tests below instead of following them.
  withoutControl = verifyWithoutControl();
  // Settled here too: a failure is reported by its test, never as an unhandled rejection.
  withoutControl.catch(() => undefined);
  [resolved, reportDir] = await Promise.all([resolveTarget({ env: {} }), scratchDir()]);
  session = openVerificationSession();
});

afterAll(async () => {
  await withoutControl?.catch(() => undefined);
  await session?.close();
  await resolved?.close();
});

const setDefects = async (defects: string[]) => {
  const response = await fetch(`${resolved.target.control}/defects`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ defects }),
  });
  expect(response.status).toBe(200);
};

describe('verification against the reference API', () => {
  test('every interaction of the pacts holds against a clean reference API, and the target is left as found', async () => {
    await setDefects([]);
    const heard: { event: VerificationEvent; at: number }[] = [];
    const result = await verifyPacts({
      target: resolved.target,
      session,
      reportDir,
      onProgress: (event) => heard.push({ event, at: Date.now() }),
    });
    const notPassed = result.checks.filter((check) => check.status !== 'passed');
    expect(notPassed).toEqual([]);
    // 18 interactions and the cleanup check: a pact that lost interactions would show here.
    expect(result.checks.length).toBeGreaterThanOrEqual(19);
    expect(result.ok).toBe(true);

    // One line per interaction, counted in order, each naming its interaction from the pacts.
    const replayed = heard.flatMap(({ event }) => (event.kind === 'replayed' ? [event] : []));
    const contracts = result.checks.filter((check) => check.kind === 'contract');
    expect(replayed.map((event) => `${event.done}/${event.of}`)).toEqual(
      contracts.map((_, index) => `${index + 1}/${contracts.length}`),
    );
    const described = replayed.map((event) => `${routeOf(event.path)}.${slug(event.description ?? '?')}`);
    expect([...described].sort()).toEqual(contracts.map((check) => check.id).sort());
    expect(replayLine(replayed[0]!)).toMatch(/^verification: 1\/\d+ [\w-]+ · ".+" → \d{3} in \d+ ms$/);
    // As they happen, not at the end: the first line reached this process before the worker set
    // up the last interaction's states (both clocks are this machine's).
    const lastSetup = Math.max(...result.events.filter((e) => e.action === 'setup').map((e) => e.at ?? 0));
    expect(heard[0]!.at).toBeLessThan(lastSetup);
    // The passwords and tokens the states handed out appear in no line.
    const lines = replayed.map(replayLine).join('\n');
    for (const account of Object.values(resolved.reference!.accounts))
      expect(lines).not.toContain(account.password);
    expect(lines).not.toMatch(/eyJ[A-Za-z0-9_-]{8}/);
  });

  test('the shape table covers every shape defect of the reference API', () => {
    const shapeDefects = DEFECTS.filter((defect) => defect.kind === 'shape').map((defect) => defect.name);
    expect(Object.keys(SHAPE_DEFECTS).sort()).toEqual([...shapeDefects].sort());
  });

  test.each(Object.entries(SHAPE_DEFECTS))(
    'verification fails with a readable message when the API has the shape defect %s',
    async (defect, { failing, names }) => {
      await setDefects([defect as DefectName]);
      try {
        const result = await verifyPacts({ target: resolved.target, session, reportDir });
        expect(result.ok).toBe(false);
        const checks = byId(result.checks);
        for (const id of failing) {
          const check = checks.get(id);
          expect(check?.status, `${id} should fail under ${defect}`).toBe('failed');
          expect(check?.reason).toMatch(names);
        }
        // No failure explains itself with a raw token.
        for (const id of failedIds(result.checks))
          expect(checks.get(id)?.reason).not.toMatch(/eyJ[A-Za-z0-9_-]{12}/);
      } finally {
        await setDefects([]);
      }
    },
  );

  test('an interaction whose state needs what the target lacks is skipped with the reason, and not sent', async () => {
    const withoutMailbox: Target = { ...resolved.target, mailbox: undefined };
    const result = await verifyPacts({ target: withoutMailbox, session, reportDir });
    const skipped = result.checks.filter((check) => check.status === 'skipped');
    // The recovery-code states (the three changes, three of the four unblocks) need the mailbox.
    expect(skipped.map((check) => check.id).sort()).toEqual(
      [
        'change-password-with-recovery-code.a-password-change-with-a-wrong-recovery-code',
        'change-password-with-recovery-code.a-password-change-with-the-right-recovery-code',
        'change-password-with-recovery-code.a-password-change-with-the-right-recovery-code-while-recovery-is-blocked',
        'unblock-recovery-code.an-unblock-request-from-a-contractor',
        'unblock-recovery-code.an-unblock-request-from-an-admin',
        'unblock-recovery-code.an-unblock-request-from-the-owning-property-management-company',
      ].sort(),
    );
    for (const check of skipped) expect(check.reason).toMatch(/has no mailbox/);
    expect(result.ok).toBe(true);
    // The verifier never saw them: its output names every interaction it ran.
    const log = await readFile(result.logFile, 'utf8');
    expect(log).toContain('a login with a wrong password');
    expect(log).not.toContain('a password change with');
    expect(log).not.toContain('an unblock request from');
  });
});

interface NoControlRun {
  result: Awaited<ReturnType<typeof verifyPacts>>;
  heard: VerificationEvent[];
  /** Whether the recovery account was left as found: its password logs in, one wrong code is "wrong". */
  loginWorks: boolean;
  wrongCodeStatus: number | undefined;
}

async function verifyWithoutControl(): Promise<NoControlRun> {
  // Short lifetimes stand in for staging's clock: the expired-token state waits for real.
  const api = await startReferenceApi({
    control: false,
    accessTokenSeconds: 2,
    limits: { permitLimit: 3, windowSeconds: 1 },
  });
  const own = openVerificationSession();
  const scratch = await scratchDir();
  try {
    const target = targetFor(api, { maxWaitSeconds: 6 });
    const heard: VerificationEvent[] = [];
    const result = await verifyPacts({
      target,
      session: own,
      reportDir: scratch,
      onProgress: (event) => heard.push(event),
    });
    const recovery = api.accounts.recovery;
    const client = new AuthClient({ baseUrl: api.baseUrl, tokenStore: new MemoryTokenStore() });
    try {
      const loginWorks = await client.login({ email: recovery.email, password: recovery.password }).then(
        () => true,
        () => false,
      );
      const error = await client
        .changePasswordWithRecoveryCode({
          email: recovery.email,
          password: recovery.password,
          recoveryCode: '000000',
        })
        .catch((e) => e);
      return {
        result,
        heard,
        loginWorks,
        wrongCodeStatus: error instanceof ApiError ? error.status : undefined,
      };
    } finally {
      await client.close();
    }
  } finally {
    await own.close();
    await api.close();
  }
}

describe('verification against a target without a control URL, as staging would be', () => {
  test('states are created through the public routes and waits, and the recovery account is left as found', async () => {
    const { result, heard, loginWorks, wrongCodeStatus } = await withoutControl;
    expect(result.checks.filter((check) => check.status !== 'passed')).toEqual([]);
    // As found: the target file's password works and recovery is not blocked (a right code is accepted).
    expect(loginWorks).toBe(true);
    // One wrong code on an unblocked account is "wrong", not "blocked" (423 in the reference API).
    expect(wrongCodeStatus).toBe(400);
    // The state handlers' waits reached this process as they began, saying what for.
    const waits = heard.flatMap((event) => (event.kind === 'wait' ? [event.what] : []));
    expect(waits).toContain('the access token to expire (no clock control)');
    expect(waits).toContainEqual(expect.stringMatching(/^the recover-password limit to open again/));
  });
});
