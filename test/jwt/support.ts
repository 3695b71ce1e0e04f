// Test helpers: RSA key pairs in every form facilioo or a JWKS might publish them, tokens signed
// (or forged) with an object `sub`, and a loopback HTTP server for JWK sets.
import { createHmac, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompactSign } from 'jose';
import { nextTestKey } from '../fixtures/keys.ts';

export const SEED_DIR = fileURLToPath(new URL('../fixtures/seed/', import.meta.url));
export const SEED_KEY_FILES = ['key-1.pem', 'key-2.pem', 'key-3.pem'].map((name) => join(SEED_DIR, name));
export const SEED_TOKEN_FILE = join(SEED_DIR, 'token.jwt');
/** The example token of the seed document, and what it decodes to. */
export const SEED_TOKEN = readFileSync(SEED_TOKEN_FILE, 'utf8').trim();
export const SEED_DECODED = {
  header: { alg: 'RS256', typ: 'JWT' },
  claims: {
    nbf: 1651760242,
    exp: 1651763842,
    iss: 'dev-api.facilioo.de',
    aud: 'dev-app.facilioo.de',
    sub: { accountId: 2, companyId: 2 },
  },
} as const;

export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  pkcs1Pem: string;
  spkiPem: string;
}

/** A key pair this test module has not used yet, from the checked-in test keys (no key generation). */
export function rsaKeyPair(): RsaKeyPair {
  const { privateKey, publicKey } = nextTestKey();
  return {
    privateKey,
    publicKey,
    pkcs1Pem: publicKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    spkiPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** Claims laid out as facilioo's, valid for an hour around now unless overridden. */
export function faciliooClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    nbf: now - 60,
    exp: now - 60 + 3600,
    iss: 'ref-api.facilioo.test',
    aud: 'ref-app.facilioo.test',
    sub: { accountId: 2, companyId: 2 },
    ...overrides,
  };
}

/** Signs the claims as given — CompactSign, because SignJWT's setSubject insists on a string. */
export async function signToken(
  privateKey: KeyObject,
  claims: Record<string, unknown>,
  alg = 'RS256',
): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg, typ: 'JWT' })
    .sign(privateKey);
}

export function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A token with whatever header and signature an attacker chooses. */
export function forgedToken(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signature = '',
): string {
  return `${b64url(header)}.${b64url(claims)}.${signature}`;
}

/** The RFC 8725 §2.1 forgery: HS256 keyed with the verifier's public key text. */
export function hmacForgery(secret: string, claims: Record<string, unknown>, alg = 'HS256'): string {
  const input = `${b64url({ alg, typ: 'JWT' })}.${b64url(claims)}`;
  const hash = `sha${alg.slice(2)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

export async function tempDir(): Promise<{
  dir: string;
  write(name: string, text: string): Promise<string>;
  remove(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'facilioo-jwt-'));
  return {
    dir,
    async write(name, text) {
      const file = join(dir, name);
      await writeFile(file, text);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LocalServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
