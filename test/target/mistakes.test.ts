// Every mistake in a target file is a ConfigError naming the file, the field and what is
// expected — and never a secret.
import { describe, expect, test } from 'vitest';
import { configError, loaderFixture, minimal, SOURCE } from './helpers.ts';

const { ws, parse } = loaderFixture();

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
    expect(error.message).toContain(`${ws().dir}/keys/missing.pem does not exist`);
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
