// The state handlers create states on the target itself and report what they could not create,
// as a skip with the reason — never as a silent pass.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ApiError, AuthClient, MemoryTokenStore } from '../../src/client/index.ts';
import { STATES } from '../../src/pact/states.ts';
import { type RunningReferenceApi, startReferenceApi } from '../../src/reference-api/index.ts';
import { declaredRateLimit } from '../../src/reference-api/target-document.ts';
import {
  DEFAULT_OPTIONS,
  DEFAULT_PATHS,
  DEFAULT_PROTECTED_PATH,
  parseTarget,
  type Target,
} from '../../src/target/index.ts';
import { createStateHandlers, StateSkipped } from '../../src/verify/state-handlers.ts';

const target: Target = {
  name: 'bare',
  source: 'bare.json',
  // Nothing listens here; the handlers under test must not need to call it.
  baseUrl: 'http://127.0.0.1:9',
  jwt: { issuer: undefined, audience: undefined, publicKeys: [] },
  accounts: {},
  mailbox: undefined,
  protectedPath: DEFAULT_PROTECTED_PATH,
  paths: { ...DEFAULT_PATHS },
  options: { ...DEFAULT_OPTIONS },
  control: undefined,
};

describe('createStateHandlers', () => {
  test('there is a handler for every state the consumer tests can name', () => {
    const { stateHandlers } = createStateHandlers(target);
    expect(Object.keys(stateHandlers).sort()).toEqual(
      Object.values(STATES)
        .map((s) => s.name)
        .sort(),
    );
  });

  test('a state needing an account the target lacks is skipped with the field named, and recorded', async () => {
    const set = createStateHandlers(target);
    const setup = set.stateHandlers[STATES.liveRefreshToken.name]!.setup;
    const error = await setup({ account: 'admin' }).catch((e) => e);
    expect(error).toBeInstanceOf(StateSkipped);
    expect(error.message).toBe('target "bare" (bare.json) has no accounts.admin');
    expect(set.events).toEqual([
      {
        state: STATES.liveRefreshToken.name,
        params: { account: 'admin' },
        action: 'setup',
        outcome: 'skipped',
        reason: 'target "bare" (bare.json) has no accounts.admin',
        at: expect.any(Number),
      },
    ]);
    await set.close();
  });

  test('the unknown-address state never hands out an address that could receive mail', async () => {
    // With clock control the limiter is reset between interactions, so no request is needed here.
    const set = createStateHandlers({ ...target, control: 'http://127.0.0.1:9/_control' });
    const values = await set.stateHandlers[STATES.unknownAddress.name]!.setup({});
    expect(values?.email).toMatch(/@facilioo-auth-suite\.invalid$/);
    await set.close();
  });
});

describe('states before a recover-password interaction, on a target without clock control', () => {
  let api: RunningReferenceApi;
  beforeAll(async () => {
    api = await startReferenceApi({
      host: '127.0.0.1',
      port: 0,
      limits: { algorithm: 'fixed-window', permitLimit: 2, windowSeconds: 1, routes: ['recoverPassword'] },
    });
  });
  afterAll(() => api.close());

  test.each([
    ['an address that belongs to no account', STATES.unknownAddress.name, {}],
    ['the recovery account', STATES.registeredAccount.name, { account: 'recovery' }],
  ])(
    '%s leaves a recover-password permit for the verifier, even after earlier states used the limit up',
    async (_, state, params) => {
      const document = api.targetDocument([]);
      const bare = parseTarget(
        { ...document, control: null },
        { source: 'no-control test', baseDir: process.cwd(), env: {} },
      );
      const client = new AuthClient({ baseUrl: api.baseUrl, tokenStore: new MemoryTokenStore() });
      // What earlier states do: spend the window.
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        statuses.push(
          await client.recoverPassword('spender@facilioo-auth-suite.invalid').then(
            (r) => r.status,
            (e: ApiError) => e.status,
          ),
        );
      }
      expect(statuses).toContain(429);
      const set = createStateHandlers(bare);
      await set.stateHandlers[state]!.setup(params);
      const answer = await client.recoverPassword('verifier@facilioo-auth-suite.invalid');
      expect(answer.status).toBe(200);
      await set.close();
      await client.close();
    },
  );

  test('the used-up limit is still used up when the replay comes after the window turned over', async () => {
    const document = api.targetDocument([]);
    // As `serve --write-target` writes it: the limiter's window declared.
    const options = { ...document.options, rateLimit: declaredRateLimit(api.options.limits) };
    const bare = parseTarget(
      { ...document, options, control: null },
      { source: 'no-control test', baseDir: process.cwd(), env: {} },
    );
    expect(bare.options.rateLimit?.windowSeconds).toBe(1);
    const client = new AuthClient({ baseUrl: api.baseUrl, tokenStore: new MemoryTokenStore() });
    const set = createStateHandlers(bare);
    await set.stateHandlers[STATES.recoveryLimitUsedUp.name]!.setup({});
    // A verifier on a busy machine: the request comes after the one-second window has turned over.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await set.beforeReplay();
    const status = await client.recoverPassword('verifier@facilioo-auth-suite.invalid').then(
      (r) => r.status,
      (e: ApiError) => e.status,
    );
    expect(status).toBe(429);
    await set.close();
    await client.close();
  });
});

describe('every state ends within its deadline', () => {
  test('a target that accepts connections and never answers fails the state within the deadline, naming it', async () => {
    const silent = createServer(() => {
      // Never answers: the request hangs until someone gives up.
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const set = createStateHandlers(
      {
        ...target,
        baseUrl: `http://127.0.0.1:${port}`,
        accounts: { user: { email: 'user@example.test', password: 'not-a-real-password' } },
        // The client's own bound comes later than the deadline, so the deadline is what ends the state.
        options: { ...target.options, requestTimeoutSeconds: 1 },
      },
      { deadlineMs: 300 },
    );
    try {
      const error = await set.stateHandlers[STATES.liveRefreshToken.name]!.setup({ account: 'user' }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe(`setting up "${STATES.liveRefreshToken.name}" did not finish within 300 ms`);
      expect(set.events.at(-1)).toMatchObject({ action: 'setup', outcome: 'failed' });
    } finally {
      await set.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('a mailbox that never delivers fails the recovery-code state after maxWaitSeconds, naming the mailbox', async () => {
    const api = await startReferenceApi({ host: '127.0.0.1', port: 0, control: true });
    const empty = createServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ messages_count: 0, messages: [] }));
    });
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    const { port } = empty.address() as AddressInfo;
    try {
      const document = api.targetDocument([]);
      const quiet = parseTarget(
        {
          ...document,
          mailbox: { ...document.mailbox, url: `http://127.0.0.1:${port}` },
          options: { ...document.options, maxWaitSeconds: 1 },
        },
        { source: 'silent mailbox', baseDir: process.cwd(), env: {} },
      );
      const set = createStateHandlers(quiet, { deadlineMs: 30_000 });
      const error = await set.stateHandlers[STATES.recoveryCodeSent.name]!.setup({}).catch((e) => e);
      expect(error.message).toMatch(
        new RegExp(`no recovery code reached .* through the mailbox http://127\\.0\\.0\\.1:${port}`),
      );
      await set.close();
    } finally {
      empty.closeAllConnections();
      await new Promise((resolve) => empty.close(resolve));
      await api.close();
    }
  });
});
