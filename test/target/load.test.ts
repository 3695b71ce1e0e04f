// A target file is validated exactly as specified: every mistake is a ConfigError naming the file, the field and what is expected — and never a secret.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { redactText } from '../../src/redact/index.ts';
import { loadTarget, locateJsonError, parseTarget } from '../../src/target/load.ts';
import {
  DEFAULT_CODE_PATTERN,
  DEFAULT_OPTIONS,
  DEFAULT_PATHS,
  DEFAULT_PROTECTED_PATH,
} from '../../src/target/types.ts';
import { rsaPems, type Workspace, workspace } from './helpers.ts';

let ws: Workspace;
beforeAll(() => {
  ws = workspace();
  ws.write('keys/pkcs1.pem', rsaPems().pkcs1);
  ws.write('keys/spki.pem', rsaPems().spki);
  ws.write('keys/private.pem', rsaPems().privatePem);
  ws.write('keys/not-a-key.pem', 'hello');
});
afterAll(() => ws.remove());

const SOURCE = 'targets/staging.json';
const minimal = { name: 'staging', baseUrl: 'https://staging-api.facilioo.de' };

function parse(json: unknown, env: Record<string, string> = {}) {
  return parseTarget(json, { source: SOURCE, baseDir: ws.dir, env });
}

/** The ConfigError `run` throws; fails the test if it throws nothing or something else. */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

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
    expect(target.jwt.publicKeys).toEqual([`${ws.dir}/keys/pkcs1.pem`, `${ws.dir}/keys/spki.pem`]);
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

describe('mistakes a user can make', () => {
  test.each([
    ['ftp://staging-api.facilioo.de', 'uses ftp:'],
    ['/api', 'is not an absolute URL'],
    ['https://staging-api.facilioo.de/?tenant=1', 'has a query or fragment'],
    ['https://staging-api.facilioo.de/#x', 'has a query or fragment'],
    ['https://user:pw@staging-api.facilioo.de', 'credentials'],
  ])('baseUrl %s is refused', (baseUrl, why) => {
    const error = configError(() => parse({ ...minimal, baseUrl }));
    expect(error.where).toBe(SOURCE);
    expect(error.field).toBe('baseUrl');
    expect(error.message).toContain(why);
    expect(error.hint).toContain('http(s) URL');
  });

  test('credentials in a URL are not echoed', () => {
    const error = configError(() => parse({ ...minimal, baseUrl: 'https://user:hunter2secret@x.test' }));
    expect(error.message).not.toContain('hunter2secret');
  });

  test('a misspelt top-level field is an error that suggests the right one', () => {
    const error = configError(() =>
      parse({ ...minimal, mailBox: { kind: 'mailpit', url: 'http://m:8025' } }),
    );
    expect(error.field).toBe('mailBox');
    expect(error.message).toContain('unknown field "mailBox"');
    expect(error.message).toContain('did you mean "mailbox"');
    expect(error.message).toContain('known fields: $schema, name, baseUrl, jwt, accounts, mailbox');
  });

  test.each(['propertyManager', 'PropertyManagementCompany', 'pmc'])(
    'account slot "%s" is refused with the valid slots',
    (slot) => {
      const error = configError(() =>
        parse({ ...minimal, accounts: { [slot]: { email: 'a@example.com', password: 'x' } } }),
      );
      expect(error.field).toBe(`accounts.${slot}`);
      expect(error.message).toContain(`unknown account slot "${slot}"`);
      expect(error.message).toContain(
        'admin, propertyManagementCompany, contractor, user, recovery, otherCompanyPropertyManagementCompany',
      );
    },
  );

  test('an unknown field inside an account is refused', () => {
    const error = configError(() =>
      parse({ ...minimal, accounts: { admin: { email: 'a@example.com', password: 'x', role: 'Admin' } } }),
    );
    expect(error.field).toBe('accounts.admin.role');
  });

  test('a missing variable names the file, the field and the variable, and how to set it', () => {
    const error = configError(() =>
      parse({
        ...minimal,
        accounts: { admin: { email: 'a@example.com', password: { env: 'ADMIN_PASSWORD' } } },
      }),
    );
    expect(error.where).toBe(SOURCE);
    expect(error.field).toBe('accounts.admin.password');
    expect(error.message).toContain('environment variable ADMIN_PASSWORD is not set');
    expect(error.hint).toContain('export ADMIN_PASSWORD=');
    expect(error.exitCode).toBe(2);
  });

  test('an empty variable counts as missing', () => {
    const error = configError(() =>
      parse(
        { ...minimal, accounts: { admin: { email: 'a@example.com', password: { env: 'P' } } } },
        { P: '' },
      ),
    );
    expect(error.message).toContain('environment variable P is empty');
  });

  test.each([[{ env: 'A', fallback: 'x' }], [{ env: 'not a name' }], [{ env: 3 }]])(
    'a malformed env reference %j is refused',
    (reference) => {
      const error = configError(() => parse({ ...minimal, name: reference }));
      expect(error.field).toBe('name');
      expect(error.message).toContain('{ "env": "VARIABLE_NAME" }');
    },
  );

  test('errors never carry a password, even one written into the file', () => {
    const error = configError(() =>
      parse({
        ...minimal,
        accounts: { admin: { email: 'not-an-email', password: 'correct-horse-77' } },
        options: { refreshTokenIn: 'correct-horse-77' },
      }),
    );
    expect(error.message).not.toContain('correct-horse-77');
  });

  test('an e-mail without an @ is refused', () => {
    const error = configError(() =>
      parse({ ...minimal, accounts: { user: { email: 'qa-user', password: 'x' } } }),
    );
    expect(error.field).toBe('accounts.user.email');
    expect(error.message).toContain('is not an e-mail address');
  });

  test('a missing required field says it is required', () => {
    const error = configError(() => parse({ ...minimal, accounts: { user: { email: 'u@example.com' } } }));
    expect(error.field).toBe('accounts.user.password');
    expect(error.message).toContain('is required');
  });

  test('a key file is resolved against the target file and must exist', () => {
    const error = configError(() =>
      parse({ ...minimal, jwt: { publicKeys: ['keys/pkcs1.pem', 'keys/missing.pem'] } }),
    );
    expect(error.field).toBe('jwt.publicKeys[1]');
    expect(error.message).toContain(`${ws.dir}/keys/missing.pem does not exist`);
  });

  test('a private key is refused as a public key', () => {
    const error = configError(() => parse({ ...minimal, jwt: { publicKeys: ['keys/private.pem'] } }));
    expect(error.message).toContain('holds a private key');
    expect(error.message).not.toContain('PRIVATE KEY-----\n');
  });

  test('a file that is not a PEM public key is refused', () => {
    const error = configError(() => parse({ ...minimal, jwt: { publicKeys: ['keys/not-a-key.pem'] } }));
    expect(error.message).toContain('is not a PEM public key');
  });

  test('a mailbox other than Mailpit is refused', () => {
    const error = configError(() =>
      parse({ ...minimal, mailbox: { kind: 'mailhog', url: 'http://m:8025' } }),
    );
    expect(error.field).toBe('mailbox.kind');
    expect(error.message).toContain('must be "mailpit"');
  });

  test('a code pattern that does not compile shows the RegExp error', () => {
    const error = configError(() =>
      parse({ ...minimal, mailbox: { kind: 'mailpit', url: 'http://m:8025', codePattern: '(\\d{6}' } }),
    );
    expect(error.field).toBe('mailbox.codePattern');
    expect(error.message).toContain('is not a valid regular expression');
    expect(error.message).toContain('Unterminated group');
  });

  test('a code pattern that matches the empty string is refused', () => {
    const error = configError(() =>
      parse({ ...minimal, mailbox: { kind: 'mailpit', url: 'http://m:8025', codePattern: '\\d*' } }),
    );
    expect(error.message).toContain('matches the empty string');
  });

  test('an option outside its enum lists the allowed values', () => {
    const error = configError(() => parse({ ...minimal, options: { refreshTokenIn: 'cookie' } }));
    expect(error.field).toBe('options.refreshTokenIn');
    expect(error.message).toContain('must be one of "body", "bearer"');
  });

  test.each([0, -5, '60'])('maxWaitSeconds %j is refused', (maxWaitSeconds) => {
    const error = configError(() => parse({ ...minimal, options: { maxWaitSeconds } }));
    expect(error.field).toBe('options.maxWaitSeconds');
  });

  test('an unknown route name lists the known ones', () => {
    const error = configError(() => parse({ ...minimal, paths: { unblock: '/api/x' } }));
    expect(error.field).toBe('paths.unblock');
    expect(error.message).toContain('known routes: login, refresh, recoverPassword');
  });

  test('a route must be a path', () => {
    const error = configError(() =>
      parse({ ...minimal, paths: { login: 'https://other.host/api/auth/login' } }),
    );
    expect(error.field).toBe('paths.login');
  });

  test('a non-object document is refused', () => {
    const error = configError(() => parse(['not', 'a', 'target']));
    expect(error.where).toBe(SOURCE);
  });

  test('several problems are reported together, the misspelt field first', () => {
    const error = configError(() => parse({ name: 'x', baseUrl: 'nope', optoins: {} }));
    expect(error.field).toBe('optoins');
    expect(error.message).toContain('also baseUrl:');
  });
});

describe('loadTarget', () => {
  test('reads a file and resolves key files next to it', () => {
    const file = ws.write('nested/target.json', { ...minimal, jwt: { publicKeys: ['../keys/spki.pem'] } });
    const target = loadTarget(file, {});
    expect(target.source).toBe(file);
    expect(target.jwt.publicKeys).toEqual([`${ws.dir}/keys/spki.pem`]);
  });

  test('a missing file names the path and both ways to name a target', () => {
    const error = configError(() => loadTarget(`${ws.dir}/nope.json`, {}));
    expect(error.where).toBe(`${ws.dir}/nope.json`);
    expect(error.hint).toContain('--target');
    expect(error.hint).toContain('FACILIOO_TARGET');
  });

  test('invalid JSON is reported with line and column, without quoting the file', () => {
    const file = ws.write(
      'broken.json',
      '{\n  "name": "x",\n  "accounts": { "admin": { "password": "s3cret-pw" } }\n  "baseUrl": "http://x"\n}\n',
    );
    const error = configError(() => loadTarget(file, {}));
    expect(error.where).toBe(file);
    expect(error.message).toContain('line 4, column 3');
    expect(error.message).not.toContain('s3cret-pw');
  });

  test('comments, as in the spec example, get their own explanation', () => {
    const file = ws.write('commented.json', '{\n  "name": "x", // the name\n  "baseUrl": "http://x"\n}');
    expect(configError(() => loadTarget(file, {})).message).toContain(
      'line 2, column 16: comments are not allowed in JSON',
    );
  });

  test('a byte-order mark is not an error', () => {
    const file = ws.write('bom.json', `\uFEFF${JSON.stringify(minimal)}`);
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
