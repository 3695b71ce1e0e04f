/** Target files and key files in a fresh temporary directory, for loader tests. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, expect } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { parseTarget } from '../../src/target/load.ts';
import type { Target } from '../../src/target/types.ts';

export interface Workspace {
  dir: string;
  /** Writes `content` (JSON-encoded unless a string) to `name` under the workspace; returns its path. */
  write(name: string, content: unknown): string;
  remove(): void;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'facilioo-target-test-'));
  return {
    dir,
    write(name, content) {
      const path = join(dir, name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let pair: { pkcs1: string; spki: string; privatePem: string } | undefined;

/** One RSA key pair per test process, as PKCS#1 and SPKI public PEMs plus the private PEM. */
export function rsaPems(): { pkcs1: string; spki: string; privatePem: string } {
  if (!pair) {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pair = {
      pkcs1: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      spki: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
  }
  return pair;
}

/** Where the loader tests pretend their target file lives, and the smallest valid one. */
export const SOURCE = 'targets/staging.json';
export const minimal = { name: 'staging', baseUrl: 'https://staging-api.facilioo.de' };

/** A workspace holding the key files the loader tests name under keys/, good and bad. */
export function keysWorkspace(): Workspace {
  const ws = workspace();
  ws.write('keys/pkcs1.pem', rsaPems().pkcs1);
  ws.write('keys/spki.pem', rsaPems().spki);
  ws.write('keys/private.pem', rsaPems().privatePem);
  ws.write('keys/not-a-key.pem', 'hello');
  return ws;
}

/** The ConfigError `run` throws; fails the test if it throws nothing or something else. */
export function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/**
 * For a test file: a keys workspace made before its tests and removed after, and a parser that
 * reads target JSON as if from SOURCE in that workspace. `ws()` is valid inside tests.
 */
export function loaderFixture(): {
  ws: () => Workspace;
  parse: (json: unknown, env?: Record<string, string>) => ReturnType<typeof parseTarget>;
} {
  let ws: Workspace | undefined;
  beforeAll(() => {
    ws = keysWorkspace();
  });
  afterAll(() => ws?.remove());
  const current = () => {
    if (!ws) throw new Error('loaderFixture: the workspace exists only while the file’s tests run');
    return ws;
  };
  return {
    ws: current,
    parse: (json, env = {}) => parseTarget(json, { source: SOURCE, baseDir: current().dir, env }),
  };
}

/** A login as the target's admin with the password the target holds: the status, and the access token if any. */
export async function adminLogin(target: Target): Promise<{ status: number; accessToken: unknown }> {
  const admin = target.accounts.admin!;
  const response = await request(`${target.baseUrl}${target.paths.login}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: admin.email,
      password: admin.password,
      skipMultiFactorAuthentication: true,
    }),
  });
  const body = (await response.body.json().catch(() => ({}))) as { accessToken?: unknown };
  return { status: response.statusCode, accessToken: body.accessToken };
}
