// `facilioo-auth inspect-token` reports the seed token's documented facts as JSON without echoing
// the token, exits 2 on anything the user must fix, and exits 1 under --require-valid only.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as jwt from '../jwt/support.ts';
import { runCli, spawnCli } from './run-cli.ts';

const seedToken = jwt.SEED_TOKEN;
const seedSignature = seedToken.split('.')[2] ?? '';
const keyFlags = jwt.SEED_KEY_FILES.flatMap((file) => ['--key', file]);

/** In this process: what `main()` prints and returns is all these tests need. */
const run = (args: string[], stdin?: string) =>
  runCli(['inspect-token', ...args], stdin === undefined ? {} : { stdin });

describe('the seed token', () => {
  test('at 2022-05-05T14:30:00Z it is valid, and none of the three seed keys verifies it; exit 0', async () => {
    const result = await run([seedToken, '--at', '2022-05-05T14:30:00Z', ...keyFlags]);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(output.claims.sub).toEqual({ accountId: 2, companyId: 2 });
    expect(output.nbf).toBe('2022-05-05T14:17:22Z');
    expect(output.exp).toBe('2022-05-05T15:17:22Z');
    expect(output.validAt).toEqual({ at: '2022-05-05T14:30:00Z', valid: true });
    expect(output.signature).toEqual({
      verifiedBy: null,
      triedKeys: 3,
      reason: 'none of the 3 key(s) verified the signature',
    });
  });

  test('the token itself is never printed back, only what it decodes to', async () => {
    const result = await run([seedToken, ...keyFlags, '--require-valid']);
    expect(seedSignature.length).toBeGreaterThan(300);
    expect(`${result.stdout}${result.stderr}`).not.toContain(seedSignature);
    expect(`${result.stdout}${result.stderr}`).not.toContain(seedToken.split('.')[1]);
  });
});

// A real process where the pipe and the exit code the shell sees are the point; side by side,
// because each start pays for tsx's loader.
describe.concurrent('the seed token, through the real binary', () => {
  test('read from stdin, with a Bearer prefix and a trailing newline, it is expired now; exit 0', async () => {
    const result = await spawnCli(['inspect-token', '-'], { stdin: `Bearer ${seedToken}\n` });
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.validAt).toMatchObject({ valid: false, reason: 'expired' });
    expect(output.claims.iss).toBe('dev-api.facilioo.de');
  });

  test('--require-valid exits 1 and says why when it is not verified', async () => {
    const args = [seedToken, '--at', '2022-05-05T14:30:00Z', ...keyFlags, '--require-valid'];
    const result = await spawnCli(['inspect-token', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('signature not verified: none of the 3 key(s) verified the signature');
    expect(result.stderr).not.toContain('not valid at');
  });
});

describe('a token signed by a configured key', () => {
  let pair: jwt.RsaKeyPair;
  let files: Awaited<ReturnType<typeof jwt.tempDir>>;

  beforeAll(async () => {
    pair = jwt.rsaKeyPair();
    files = await jwt.tempDir();
  });
  afterAll(() => files.remove());

  test('--require-valid exits 0 when it is in its window and a --key file verified it', async () => {
    const keyFile = await files.write('mine.pem', pair.spkiPem);
    const token = await jwt.signToken(pair.privateKey, jwt.faciliooClaims());
    const result = await run([token, ...keyFlags, '--key', keyFile, '--require-valid']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).signature).toEqual({ verifiedBy: `${keyFile}#1`, triedKeys: 4 });
  });

  test('--jwks takes the keys from a JWK set URL', async () => {
    const server = await jwt.startServer((_req, res) =>
      jwt.json(res, 200, {
        keys: [
          jwt.rsaKeyPair().publicKey.export({ format: 'jwk' }),
          pair.publicKey.export({ format: 'jwk' }),
        ],
      }),
    );
    try {
      const token = await jwt.signToken(pair.privateKey, jwt.faciliooClaims());
      const result = await run(['-', '--jwks', `${server.url}/jwks`], token);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).signature.verifiedBy).toBe(`${server.url}/jwks#2`);
    } finally {
      await server.close();
    }
  });
});

describe('what the user must fix exits 2 with a message naming it', () => {
  test('an --at that is not an ISO time with a zone', async () => {
    for (const at of ['yesterday', '2022-05-05 14:30', '2022-05-05T14:30:00']) {
      const result = await run([seedToken, '--at', at]);
      expect(result.code, at).toBe(2);
      expect(result.stderr).toContain(`--at: "${at}" is not an ISO 8601 time with a zone`);
      expect(result.stdout).toBe('');
    }
  });

  test('a key file that cannot be read', async () => {
    const result = await run([seedToken, '--key', '/nonexistent/key.pem']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/nonexistent/key.pem: key file not found');
  });

  test('a malformed token, naming the broken part and not echoing the token', async () => {
    const [header, payload] = seedToken.split('.');
    const result = await run(['-'], `${header}.${payload}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('stdin: malformed token: it has 2 part(s)');
    expect(result.stderr).not.toContain(payload);
  });

  test('an empty stdin', async () => {
    const result = await run(['-'], '  \n');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('stdin: no token given');
  });
});
