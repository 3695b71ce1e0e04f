// Key sources load as facilioo publishes them (PKCS#1, glued PEM blocks) and as JWKS serve them;
// anything else fails as a ConfigError that names the file or URL and never echoes key material.
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { loadKeys, parsePemKeys } from '../../src/jwt/keys.ts';
import { json, type RsaKeyPair, rsaKeyPair, SEED_KEY_FILES, startServer, tempDir } from './support.ts';

let pair: RsaKeyPair;
let other: RsaKeyPair;
let files: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  pair = rsaKeyPair();
  other = rsaKeyPair();
  files = await tempDir();
});
afterAll(() => files.remove());

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

function modulus(key: { export(options: { format: 'jwk' }): unknown }): unknown {
  return (key.export({ format: 'jwk' }) as { n: unknown }).n;
}

describe('PEM files', () => {
  test('the three PKCS#1 keys printed in the seed load as RSA keys labelled by file and block', async () => {
    const keys = await loadKeys(SEED_KEY_FILES);
    expect(keys.map((k) => k.label)).toEqual(SEED_KEY_FILES.map((file) => `${file}#1`));
    for (const { key } of keys) {
      expect(key.asymmetricKeyType).toBe('rsa');
      expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    }
  });

  test('PEM blocks glued together without newlines, as on the seed page, are split into one key each', async () => {
    const pems = await Promise.all(SEED_KEY_FILES.map((file) => readFile(file, 'utf8')));
    const glued = pems.map((pem) => pem.trim()).join('');
    expect(glued).toContain('-----END RSA PUBLIC KEY----------BEGIN RSA PUBLIC KEY-----');
    const keys = parsePemKeys(glued, 'seed');
    const separate = await loadKeys(SEED_KEY_FILES);
    expect(keys.map((k) => k.label)).toEqual(['seed#1', 'seed#2', 'seed#3']);
    expect(keys.map((k) => modulus(k.key))).toEqual(separate.map((k) => modulus(k.key)));
  });

  test('SPKI and PKCS#1 encodings of one key load as the same key', async () => {
    const spki = await files.write('spki.pem', pair.spkiPem);
    const pkcs1 = await files.write('pkcs1.pem', pair.pkcs1Pem);
    const [a, b] = await loadKeys([spki, pkcs1]);
    expect(pair.spkiPem).toContain('BEGIN PUBLIC KEY');
    expect(pair.pkcs1Pem).toContain('BEGIN RSA PUBLIC KEY');
    expect(a?.key.equals(pair.publicKey)).toBe(true);
    expect(b?.key.equals(pair.publicKey)).toBe(true);
  });

  test('a missing key file is a ConfigError naming the file', async () => {
    const error = await configError(loadKeys([`${files.dir}/nope.pem`]));
    expect(error.where).toBe(`${files.dir}/nope.pem`);
    expect(error.message).toContain('not found');
  });

  test('a file with no PEM block is a ConfigError saying what was expected', async () => {
    const file = await files.write('text.pem', 'just some text\n');
    const error = await configError(loadKeys([file]));
    expect(error.message).toContain(`${file}: holds no PEM block`);
    expect(error.hint).toContain('PKCS#1 or SPKI');
  });

  test('a block cut off before its END line is reported, not skipped', async () => {
    const file = await files.write('cut.pem', `${pair.pkcs1Pem}${other.pkcs1Pem.slice(0, 80)}`);
    const error = await configError(loadKeys([file]));
    expect(error.message).toContain('2 -----BEGIN lines but only 1 complete PEM block');
  });

  test('a private key is refused, and its body never appears in the error', async () => {
    const pkcs8 = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const pkcs1 = pair.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    for (const [name, pem, type] of [
      ['pkcs8.pem', pkcs8, 'PRIVATE KEY'],
      ['rsa-private.pem', pkcs1, 'RSA PRIVATE KEY'],
    ] as const) {
      const file = await files.write(name, `${pair.pkcs1Pem}${pem}`);
      const error = await configError(loadKeys([file]));
      expect(error.message).toContain(`${file} (PEM block #2): is a private key (${type}); refusing`);
      const bodyLine = pem.split('\n')[1] ?? '';
      expect(bodyLine.length).toBeGreaterThan(40);
      expect(`${error.message}${error.stack}`).not.toContain(bodyLine.slice(0, 40));
    }
  });

  test('an EC public key is refused because facilioo signs with RSA', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const file = await files.write('ec.pem', publicKey.export({ format: 'pem', type: 'spki' }).toString());
    const error = await configError(loadKeys([file]));
    expect(error.message).toContain('is an ec key; facilioo signs with RSA');
  });

  test('an RSA key under 2048 bits is refused at load time', async () => {
    // Generated here: a 1024-bit key takes milliseconds, and no fixture should hold a weak key.
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const file = await files.write(
      'small.pem',
      publicKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
    );
    const error = await configError(loadKeys([file]));
    expect(error.message).toContain('1024 bits');
  });

  test('a damaged base64 body is a ConfigError naming the block', async () => {
    const damaged = pair.pkcs1Pem.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
    const file = await files.write('damaged.pem', damaged);
    const error = await configError(loadKeys([file]));
    expect(error.message).toContain('(PEM block #1): does not decode as a PKCS#1 public key');
  });

  test('a certificate or another block type is refused with what was expected', async () => {
    const cert = await files.write(
      'cert.pem',
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    );
    expect((await configError(loadKeys([cert]))).hint).toContain('openssl x509');
    const params = await files.write(
      'p.pem',
      '-----BEGIN DH PARAMETERS-----\nAAAA\n-----END DH PARAMETERS-----\n',
    );
    expect((await configError(loadKeys([params]))).message).toContain('expected "RSA PUBLIC KEY" (PKCS#1)');
  });
});

describe('JWKS URLs', () => {
  test('RSA keys of a JWK set load, labelled by their position in the set; EC keys are passed over', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const server = await startServer((_req, res) =>
      json(res, 200, {
        keys: [
          { ...pair.publicKey.export({ format: 'jwk' }), kid: 'a', use: 'sig' },
          { ...ec, kid: 'b' },
          { ...other.publicKey.export({ format: 'jwk' }), kid: 'c' },
        ],
      }),
    );
    try {
      const keys = await loadKeys([{ jwksUrl: `${server.url}/jwks.json` }]);
      expect(keys.map((k) => k.label)).toEqual([`${server.url}/jwks.json#1`, `${server.url}/jwks.json#3`]);
      expect(keys[0]?.key.equals(pair.publicKey)).toBe(true);
      expect(keys[1]?.key.equals(other.publicKey)).toBe(true);
    } finally {
      await server.close();
    }
  });

  test('a JWKS answer that is not a usable set is a ConfigError naming the URL but not its query', async () => {
    const answers: Record<string, [number, unknown]> = {
      '/missing': [404, { title: 'Not Found' }],
      '/no-keys': [200, { issuer: 'x' }],
      '/only-ec': [200, { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] }],
      '/private': [200, { keys: [pair.privateKey.export({ format: 'jwk' })] }],
    };
    const server = await startServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html></html>');
        return;
      }
      const [status, body] = answers[path] ?? [500, {}];
      json(res, status, body);
    });
    try {
      const expected: Record<string, string> = {
        '/missing': 'answered HTTP 404; expected 200',
        '/no-keys': 'no "keys" array',
        '/only-ec': 'holds no RSA signing key',
        '/private': 'key #1 is a private key; refusing',
        '/html': 'did not answer JSON',
      };
      for (const [path, message] of Object.entries(expected)) {
        const error = await configError(loadKeys([{ jwksUrl: `${server.url}${path}?api_key=s3cret` }]));
        expect(error.where).toBe(`${server.url}${path}`);
        expect(error.message).toContain(message);
        expect(error.message).not.toContain('s3cret');
      }
    } finally {
      await server.close();
    }
  });

  test('an unreachable JWKS URL is a ConfigError, not a crash', async () => {
    const server = await startServer(() => {});
    const url = `${server.url}/jwks.json`;
    await server.close();
    const error = await configError(loadKeys([{ jwksUrl: url }]));
    expect(error.message).toContain('could not be fetched (ECONNREFUSED)');
  });

  test('a JWKS server that never answers is given up on after the timeout', async () => {
    const server = await startServer(() => {});
    try {
      const error = await configError(loadKeys([{ jwksUrl: `${server.url}/jwks.json` }], { timeoutMs: 200 }));
      expect(error.message).toContain('did not answer within 200 ms');
    } finally {
      await server.close();
    }
  });

  test('a JWKS URL that is not http(s) is refused', async () => {
    expect((await configError(loadKeys([{ jwksUrl: 'file:///etc/jwks.json' }]))).message).toContain(
      'uses file:',
    );
    expect((await configError(loadKeys([{ jwksUrl: 'not a url' }]))).message).toContain('is not a URL');
  });
});
