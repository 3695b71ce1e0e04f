// A valid target file resolves to the spec's defaults, FACILIOO_BASE_URL and the file on disk are
// read as documented, and a JSON mistake is located without quoting the file (mistakes in the
// fields themselves: mistakes.test.ts).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { redactText } from '../../src/redact/index.ts';
import { loadTarget, locateJsonError } from '../../src/target/load.ts';
import {
  DEFAULT_CODE_PATTERN,
  DEFAULT_OPTIONS,
  DEFAULT_PATHS,
  DEFAULT_PROTECTED_PATH,
} from '../../src/target/types.ts';
import { configError, loaderFixture, minimal, SOURCE } from './helpers.ts';

const { ws, parse } = loaderFixture();

describe('a valid target', () => {
  test('a minimal file gets the spec defaults for every OPEN point', () => {
    const target = parse(minimal);
    expect(target).toEqual({
      name: 'staging',
      source: SOURCE,
      baseUrl: 'https://staging-api.facilioo.de',
      jwt: { issuer: undefined, audience: undefined, publicKeys: [] },
      accounts: {},
      mailbox: undefined,
      protectedPath: DEFAULT_PROTECTED_PATH,
      paths: DEFAULT_PATHS,
      options: DEFAULT_OPTIONS,
      control: undefined,
    });
  });

  test('a full file resolves env references, key paths and overrides', () => {
    const target = parse(
      {
        $schema: '../schemas/target.schema.json',
        name: 'staging',
        baseUrl: 'https://staging-api.facilioo.de/',
        jwt: {
          issuer: 'staging-api.facilioo.de',
          audience: 'staging-app.facilioo.de',
          publicKeys: ['keys/pkcs1.pem', 'keys/spki.pem'],
        },
        accounts: {
          admin: { email: 'qa-admin@example.com', password: { env: 'ADMIN_PASSWORD' } },
          recovery: { email: { env: 'RECOVERY_EMAIL' }, password: { env: 'RECOVERY_PASSWORD' } },
        },
        mailbox: { kind: 'mailpit', url: 'http://mailpit.internal:8025/' },
        protectedPath: '/api/me',
        paths: { unblockRecoveryCode: '/api/accounts/unblock-recovery-code' },
        options: { refreshTokenIn: 'bearer', recoveryCodeType: { env: 'CODE_TYPE' }, maxWaitSeconds: 5 },
        control: 'http://127.0.0.1:8080/_control/',
      },
      {
        ADMIN_PASSWORD: 'admin-secret-1',
        RECOVERY_EMAIL: 'qa-recovery@example.com',
        RECOVERY_PASSWORD: 'recovery-secret-1',
        CODE_TYPE: 'number',
      },
    );
    expect(target.baseUrl).toBe('https://staging-api.facilioo.de');
    expect(target.jwt.publicKeys).toEqual([`${ws().dir}/keys/pkcs1.pem`, `${ws().dir}/keys/spki.pem`]);
    expect(target.accounts).toEqual({
      admin: { email: 'qa-admin@example.com', password: 'admin-secret-1' },
      recovery: { email: 'qa-recovery@example.com', password: 'recovery-secret-1' },
    });
    expect(target.mailbox).toEqual({
      kind: 'mailpit',
      url: 'http://mailpit.internal:8025',
      codePattern: DEFAULT_CODE_PATTERN,
    });
    expect(target.protectedPath).toBe('/api/me');
    expect(target.paths).toEqual({
      ...DEFAULT_PATHS,
      unblockRecoveryCode: '/api/accounts/unblock-recovery-code',
    });
    expect(target.options).toEqual({
      ...DEFAULT_OPTIONS,
      refreshTokenIn: 'bearer',
      recoveryCodeType: 'number',
      maxWaitSeconds: 5,
    });
    expect(target.control).toBe('http://127.0.0.1:8080/_control');
  });

  test('control null means no control API', () => {
    expect(parse({ ...minimal, control: null }).control).toBeUndefined();
  });

  test('every resolved password is masked in later output', () => {
    parse(
      { ...minimal, accounts: { user: { email: 'u@example.com', password: { env: 'P' } } } },
      { P: 'pw-from-env-42' },
    );
    parse({ ...minimal, accounts: { admin: { email: 'a@example.com', password: 'inline-pw-43' } } });
    expect(redactText('login with pw-from-env-42 / inline-pw-43')).toBe('login with [REDACTED] / [REDACTED]');
  });
});

describe('FACILIOO_BASE_URL', () => {
  test('overrides the file', () => {
    const target = parse(minimal, { FACILIOO_BASE_URL: 'http://127.0.0.1:8080/' });
    expect(target.baseUrl).toBe('http://127.0.0.1:8080');
  });

  test('stands in for a missing baseUrl', () => {
    expect(parse({ name: 'x' }, { FACILIOO_BASE_URL: 'http://127.0.0.1:9/' }).baseUrl).toBe(
      'http://127.0.0.1:9',
    );
  });

  test('a bad value is blamed on the variable', () => {
    const error = configError(() => parse(minimal, { FACILIOO_BASE_URL: 'staging-api.facilioo.de' }));
    expect(error.message).toContain('FACILIOO_BASE_URL is not an absolute URL');
    expect(error.field).toBe('baseUrl');
    expect(error.hint).toContain('FACILIOO_BASE_URL');
  });

  test('without it, a missing baseUrl names both ways to give one', () => {
    const error = configError(() => parse({ name: 'x' }));
    expect(error.field).toBe('baseUrl');
    expect(error.hint).toContain('FACILIOO_BASE_URL');
  });
});

describe('loadTarget', () => {
  test('reads a file and resolves key files next to it', () => {
    const file = ws().write('nested/target.json', { ...minimal, jwt: { publicKeys: ['../keys/spki.pem'] } });
    const target = loadTarget(file, {});
    expect(target.source).toBe(file);
    expect(target.jwt.publicKeys).toEqual([`${ws().dir}/keys/spki.pem`]);
  });

  test('a missing file names the path and both ways to name a target', () => {
    const error = configError(() => loadTarget(`${ws().dir}/nope.json`, {}));
    expect(error.where).toBe(`${ws().dir}/nope.json`);
    expect(error.hint).toContain('--target');
    expect(error.hint).toContain('FACILIOO_TARGET');
  });

  test('invalid JSON is reported with line and column, without quoting the file', () => {
    const file = ws().write(
      'broken.json',
      '{\n  "name": "x",\n  "accounts": { "admin": { "password": "s3cret-pw" } }\n  "baseUrl": "http://x"\n}\n',
    );
    const error = configError(() => loadTarget(file, {}));
    expect(error.where).toBe(file);
    expect(error.message).toContain('line 4, column 3');
    expect(error.message).not.toContain('s3cret-pw');
  });

  test('comments, as in the spec example, get their own explanation', () => {
    const file = ws().write('commented.json', '{\n  "name": "x", // the name\n  "baseUrl": "http://x"\n}');
    expect(configError(() => loadTarget(file, {})).message).toContain(
      'line 2, column 16: comments are not allowed in JSON',
    );
  });

  test('a byte-order mark is not an error', () => {
    const file = ws().write('bom.json', `\uFEFF${JSON.stringify(minimal)}`);
    expect(loadTarget(file, {}).name).toBe('staging');
  });
});

describe('locateJsonError', () => {
  test('finds nothing wrong exactly when JSON.parse accepts the text', () => {
    const mutated = fc
      .tuple(
        fc.json(),
        fc.nat(),
        fc.constantFrom('', ',', '}', ']', '"', ':', '/', ' ', '0', '\n', 'x'),
        fc.boolean(),
      )
      .map(([json, at, char, replace]) => {
        const i = json.length === 0 ? 0 : at % json.length;
        return json.slice(0, i) + char + json.slice(replace ? i + 1 : i);
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const found = locateJsonError(text);
        expect(found === undefined).toBe(valid);
        if (found) expect(found.offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 2000 },
    );
  });

  test('points at a trailing comma', () => {
    expect(locateJsonError('{"a": 1,}')).toEqual({ offset: 8, message: 'trailing comma before }' });
  });
});
