/**
 * The keys a token is checked against. facilioo publishes RSA public keys as PKCS#1 PEM
 * (`BEGIN RSA PUBLIC KEY`) and its tokens carry no `kid`, so a verifier needs every configured
 * key, each with a label that tells the user which file (and which block in it) verified a token.
 * Every problem with a key source is the user's to fix, hence ConfigError naming the file or URL.
 */
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Dispatcher, request } from 'undici';
import { ConfigError } from '../errors.ts';

export interface LabelledKey {
  /** `FILE#n` (n-th PEM block in the file) or `URL#n` (n-th key in the JWK set), n from 1. */
  label: string;
  key: KeyObject;
}

/** A PEM file path, or a JWK set served over HTTP(S). */
export type KeySource = string | { jwksUrl: string };

export interface LoadKeysOptions {
  /** Bound on a JWKS fetch, connect to last byte (default 5000). */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

// RFC 7518 §3.3: RS*/PS* keys must be at least 2048 bits; jose refuses smaller ones at verify time,
// which would surface as a confusing per-token failure instead of a key-file error.
const MIN_MODULUS_BITS = 2048;
const DEFAULT_JWKS_TIMEOUT_MS = 5000;
const PEM_HINT = 'give a PEM file with the RSA public key(s) that sign the tokens: PKCS#1 or SPKI';

export async function loadKeys(
  sources: readonly KeySource[],
  options: LoadKeysOptions = {},
): Promise<LabelledKey[]> {
  const keys: LabelledKey[] = [];
  for (const source of sources) {
    keys.push(
      ...(typeof source === 'string' ? await loadPemFile(source) : await loadJwks(source.jwksUrl, options)),
    );
  }
  return keys;
}

async function loadPemFile(file: string): Promise<LabelledKey[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'key file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a key file'
          : `cannot read the key file (${code ?? 'unknown error'})`;
    throw new ConfigError(problem, { where: file, hint: PEM_HINT });
  }
  return parsePemKeys(text, file);
}

/**
 * Every PEM block in `text` as a key labelled `${origin}#n`. Blocks may follow each other with no
 * newline in between, as on facilioo's page (`-----END …----------BEGIN …-----`).
 */
export function parsePemKeys(text: string, origin: string): LabelledKey[] {
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  const begins = text.match(/-----BEGIN /g)?.length ?? 0;
  if (blocks.length === 0) {
    throw new ConfigError(
      begins > 0 ? 'has a -----BEGIN line without a matching -----END line' : 'holds no PEM block',
      { where: origin, hint: PEM_HINT },
    );
  }
  if (blocks.length !== begins) {
    throw new ConfigError(`has ${begins} -----BEGIN lines but only ${blocks.length} complete PEM block(s)`, {
      where: origin,
      hint: 'check the file for a truncated or cut-off key',
    });
  }
  return blocks.map((match, index) => {
    const n = index + 1;
    const type = match[1] ?? '';
    return { label: `${origin}#${n}`, key: publicKeyFromBlock(match[0], type, origin, n) };
  });
}

function publicKeyFromBlock(pem: string, type: string, origin: string, n: number): KeyObject {
  const where = `${origin} (PEM block #${n})`;
  // A private key would let createPublicKey derive the public half silently; refuse instead,
  // because a private key in a test configuration is a leak the user should know about.
  if (type.includes('PRIVATE KEY')) {
    throw new ConfigError(`is a private key (${type}); refusing to load it`, {
      where,
      hint: 'give the public key only, e.g. `openssl rsa -in private.pem -pubout`, and keep the private key out of test configuration',
    });
  }
  if (type === 'CERTIFICATE') {
    throw new ConfigError('is a certificate, not a public key', {
      where,
      hint: 'extract the key: `openssl x509 -in cert.pem -pubkey -noout`',
    });
  }
  const formats: Record<string, 'pkcs1' | 'spki'> = { 'RSA PUBLIC KEY': 'pkcs1', 'PUBLIC KEY': 'spki' };
  const format = formats[type];
  if (!format) {
    throw new ConfigError(`is a "${type}" block; expected "RSA PUBLIC KEY" (PKCS#1) or "PUBLIC KEY" (SPKI)`, {
      where,
      hint: PEM_HINT,
    });
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem', type: format });
  } catch {
    throw new ConfigError(`does not decode as a ${format === 'pkcs1' ? 'PKCS#1' : 'SPKI'} public key`, {
      where,
      hint: 'the base64 body is damaged or the BEGIN line names the wrong format',
    });
  }
  checkRsa(key, where);
  return key;
}

function checkRsa(key: KeyObject, where: string): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(`is an ${key.asymmetricKeyType ?? 'unknown'} key; facilioo signs with RSA`, {
      where,
      hint: 'give the RSA public key(s) the API signs its tokens with',
    });
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_MODULUS_BITS) {
    throw new ConfigError(`is an RSA key of ${bits} bits; RS256/PS256 need at least ${MIN_MODULUS_BITS}`, {
      where,
      hint: 'this cannot be the API signing key; check that the right file is configured',
    });
  }
}

/** The URL without credentials or query, which may carry secrets. */
function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

async function loadJwks(jwksUrl: string, options: LoadKeysOptions): Promise<LabelledKey[]> {
  let url: URL;
  try {
    url = new URL(jwksUrl);
  } catch {
    throw new ConfigError('is not a URL', { where: 'JWKS URL', hint: 'give an http(s) URL of a JWK set' });
  }
  const where = displayUrl(url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`uses ${url.protocol}; expected http: or https:`, { where });
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS;
  let document: unknown;
  try {
    const response = await request(url, {
      method: 'GET',
      headers: { accept: 'application/jwk-set+json, application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new ConfigError(`answered HTTP ${response.statusCode}; expected 200 with a JWK set`, {
        where,
        hint: 'check the JWKS URL',
      });
    }
    const text = await response.body.text();
    try {
      document = JSON.parse(text);
    } catch {
      throw new ConfigError('did not answer JSON; expected a JWK set {"keys": [...]}', { where });
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const name = error instanceof Error ? error.name : '';
    const problem =
      name === 'TimeoutError' || name === 'AbortError'
        ? `did not answer within ${timeoutMs} ms`
        : `could not be fetched (${(error as NodeJS.ErrnoException).code ?? (name || 'network error')})`;
    throw new ConfigError(problem, { where, hint: 'check that the URL is right and the server is up' });
  }
  return keysFromJwks(document, where);
}

function keysFromJwks(document: unknown, where: string): LabelledKey[] {
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) {
    throw new ConfigError('is not a JWK set: no "keys" array', { where });
  }
  const loaded: LabelledKey[] = [];
  keys.forEach((jwk: unknown, index) => {
    const n = index + 1;
    if (typeof jwk !== 'object' || jwk === null) {
      throw new ConfigError(`key #${n} is not a JSON object`, { where });
    }
    const fields = jwk as Record<string, unknown>;
    if ('d' in fields || 'p' in fields) {
      throw new ConfigError(`key #${n} is a private key; refusing to load it`, {
        where,
        hint: 'a JWKS endpoint must publish public keys only — report this to whoever runs it',
      });
    }
    // A set may legitimately hold EC or encryption keys next to the RSA signing keys.
    if (fields.kty !== 'RSA' || fields.use === 'enc') return;
    let key: KeyObject;
    try {
      key = createPublicKey({ key: fields as JsonWebKey, format: 'jwk' });
    } catch {
      throw new ConfigError(`key #${n} is not a valid RSA JWK`, { where });
    }
    checkRsa(key, `${where} (key #${n})`);
    loaded.push({ label: `${where}#${n}`, key });
  });
  if (loaded.length === 0) {
    throw new ConfigError(`holds no RSA signing key (${keys.length} key(s), none with kty "RSA")`, { where });
  }
  return loaded;
}
