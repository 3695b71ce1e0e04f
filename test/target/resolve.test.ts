// With no target named, the suite runs against an embedded reference API whose target passes the same validation as any file.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import type { ReferenceApiOptions } from '../../src/reference-api/index.ts';
import { ACCOUNT_SLOTS } from '../../src/roles.ts';
import { type ResolvedTarget, resolveTarget } from '../../src/target/resolve.ts';
import { adminLogin, type Workspace, workspace } from './helpers.ts';

let ws: Workspace;
beforeAll(() => {
  ws = workspace();
});
afterAll(() => ws.remove());

describe('a named target file', () => {
  test('the file argument is loaded', async () => {
    const file = ws.write('a.json', { name: 'from-argument', baseUrl: 'https://a.test' });
    const resolved = await resolveTarget({ file, env: {} });
    expect(resolved.target.name).toBe('from-argument');
    expect(resolved.reference).toBeUndefined();
    await resolved.close();
  });

  test('FACILIOO_TARGET names the file when no argument does', async () => {
    const file = ws.write('b.json', { name: 'from-env', baseUrl: 'https://b.test' });
    const resolved = await resolveTarget({ env: { FACILIOO_TARGET: file } });
    expect(resolved.target.name).toBe('from-env');
  });

  test('the argument wins over FACILIOO_TARGET', async () => {
    const file = ws.write('c.json', { name: 'argument', baseUrl: 'https://c.test' });
    const other = ws.write('d.json', { name: 'environment', baseUrl: 'https://d.test' });
    const resolved = await resolveTarget({ file, env: { FACILIOO_TARGET: other } });
    expect(resolved.target.name).toBe('argument');
  });

  test('FACILIOO_BASE_URL with no target file is refused rather than silently ignored', async () => {
    const error = await resolveTarget({
      env: { FACILIOO_BASE_URL: 'https://staging-api.facilioo.de' },
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.where).toBe('FACILIOO_BASE_URL');
    expect(error.hint).toContain('--target');
  });
});

describe('the embedded reference API', () => {
  let resolved: ResolvedTarget;
  beforeAll(async () => {
    resolved = await resolveTarget({ env: {}, reference: { issuer: 'embedded-test.facilioo.test' } });
  });
  afterAll(() => resolved.close());

  test('is described by a validated target with every slot, keys, mailbox and control', () => {
    const { target, reference } = resolved;
    expect(reference).toBeDefined();
    expect(target.source).toBe('embedded');
    expect(target.baseUrl).toBe(reference!.baseUrl);
    expect(target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(target.accounts).sort()).toEqual([...ACCOUNT_SLOTS].sort());
    expect(target.mailbox?.url).toBe(reference!.mailboxUrl);
    expect(target.control).toBe(reference!.controlUrl);
    expect(target.control).toBeDefined();
  });

  test('reference options reach the reference API', () => {
    expect(resolved.target.jwt.issuer).toBe('embedded-test.facilioo.test');
  });

  test('its public keys are written to files the target lists', () => {
    const { target, reference } = resolved;
    expect(target.jwt.publicKeys).toHaveLength(reference!.publicKeyPems.length);
    expect(target.jwt.publicKeys.map((file) => readFileSync(file, 'utf8'))).toEqual(reference!.publicKeyPems);
  });

  test('its accounts log in with the passwords the target holds', async () => {
    const { target } = resolved;
    const login = await adminLogin(target);
    expect(login.status).toBe(200);
    expect(typeof login.accessToken).toBe('string');
  });
});

test('close stops the embedded API and removes its key files, and may be called twice', async () => {
  const resolved = await resolveTarget({ env: {} });
  const keyDir = dirname(resolved.target.jwt.publicKeys[0]!);
  expect(existsSync(keyDir)).toBe(true);
  await resolved.close();
  await resolved.close();
  expect(existsSync(keyDir)).toBe(false);
  await expect(request(`${resolved.target.baseUrl}/mailbox/api/v1/messages`)).rejects.toThrow();
});

test('a failing start leaves no key directory behind', async () => {
  // os.tmpdir() follows TMPDIR, so the key directory would be created inside this empty one.
  const scratch = `${ws.dir}/scratch-tmp`;
  mkdirSync(scratch);
  vi.stubEnv('TMPDIR', scratch);
  try {
    const error = await resolveTarget({
      env: {},
      reference: { limits: { algorithm: 'no-such-limiter' } } as unknown as ReferenceApiOptions,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(readdirSync(scratch)).toEqual([]);
  } finally {
    vi.unstubAllEnvs();
  }
});
