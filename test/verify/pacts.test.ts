// Reading pact files: the status a pact accepts is shown as the pact means it (a class, a list),
// and an interaction whose states need what the target lacks is known before anything is sent.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import {
  DEFAULT_OPTIONS,
  DEFAULT_PATHS,
  DEFAULT_PROTECTED_PATH,
  type Target,
} from '../../src/target/index.ts';
import { expectedStatus, readPactFile, skipReason, writeFilteredPact } from '../../src/verify/pacts.ts';

const target: Target = {
  name: 'staging',
  source: 'targets/staging.json',
  baseUrl: 'https://staging.example.test',
  jwt: { issuer: undefined, audience: undefined, publicKeys: [] },
  accounts: { user: { email: 'u@example.test', password: 'pw-user-1234' } },
  mailbox: undefined,
  protectedPath: DEFAULT_PROTECTED_PATH,
  paths: { ...DEFAULT_PATHS },
  options: { ...DEFAULT_OPTIONS },
  control: undefined,
};

const statusRule = (status: unknown) => ({
  status: 401,
  matchingRules: { status: { $: { combine: 'AND', matchers: [{ match: 'statusCode', status }] } } },
});

describe('expectedStatus', () => {
  test('a status class, a list and an exact status read as the pact means them', () => {
    expect(expectedStatus(statusRule('clientError'))).toBe('4xx');
    expect(expectedStatus(statusRule([429, 503]))).toBe('429 or 503');
    expect(expectedStatus({ status: 401 })).toBe('401');
  });
});

describe('pact files', () => {
  const pact = {
    consumer: { name: 'facilioo-auth-suite' },
    provider: { name: 'facilioo-auth-api' },
    interactions: [
      {
        description: 'a login',
        providerStates: [{ name: 'a registered account', params: { account: 'user' } }],
        request: { method: 'POST', path: '/api/auth/login' },
        response: { status: 200, body: { content: { accessToken: 'x', refreshToken: 'y' } } },
      },
      {
        description: 'a password change',
        providerStates: [{ name: 'a recovery code was sent to the recovery account', params: {} }],
        request: { method: 'PUT', path: '/api/auth/change-password-with-recovery-code' },
        response: { status: 200 },
      },
    ],
    metadata: { pactSpecification: { version: '4.0' } },
  };

  test('interactions whose states need a missing account or mailbox are known with the reason', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pacts-'));
    const file = join(dir, 'pact.json');
    await writeFile(file, JSON.stringify(pact));
    const read = await readPactFile(file);
    const [login, change] = read.interactions;
    expect(login?.expects).toBe('200 {accessToken, refreshToken}');
    expect(skipReason(target, login!)).toBeUndefined();
    expect(skipReason(target, change!)).toBe(
      'target "staging" (targets/staging.json) has no accounts.recovery, accounts.propertyManagementCompany, mailbox',
    );

    const out = await mkdtemp(join(tmpdir(), 'filtered-'));
    const filtered = JSON.parse(await readFile(await writeFilteredPact(read, [login!], out), 'utf8'));
    expect(filtered.interactions.map((i: { description: string }) => i.description)).toEqual(['a login']);
    expect(filtered.metadata).toEqual(pact.metadata);
  });

  test('a file that is not a pact is a configuration error naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pacts-'));
    const file = join(dir, 'broken.json');
    await writeFile(file, '{"not":"a pact"}');
    await expect(readPactFile(file)).rejects.toThrowError(ConfigError);
    await expect(readPactFile(file)).rejects.toThrowError(/broken\.json/);
  });
});
