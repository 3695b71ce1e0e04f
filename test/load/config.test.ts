// k6 scripts read their configuration once, from the target file and -e variables: secrets come
// from the environment, mistakes are named with the field or variable, production is refused.
import { describe, expect, test } from 'vitest';
import { type Env, readConfig } from '../../load/lib/config.ts';
import { getProfile, PROFILE_NAMES, profileOptions } from '../../load/lib/profiles.ts';

const STAGING = {
  name: 'staging',
  baseUrl: 'https://staging-api.facilioo.de/',
  accounts: {
    user: { email: 'user@example.test', password: { env: 'USER_PASSWORD' } },
    recovery: { email: 'recovery@example.test', password: 'recovery-secret' },
    admin: { email: 'admin@example.test', password: 'admin-secret' },
  },
  paths: { login: '/api/v2/auth/login' },
  options: { refreshTokenIn: 'bearer' },
};

function files(map: Record<string, unknown>) {
  return (path: string) => {
    if (!(path in map)) throw new Error(`open: no such file ${path}`);
    const value = map[path];
    return typeof value === 'string' ? value : JSON.stringify(value);
  };
}

const read = (env: Env, map: Record<string, unknown> = { '/t.json': STAGING }) => readConfig(env, files(map));

describe('the target file', () => {
  test('gives base URL, paths, options and a pool without the recovery account', () => {
    const c = read({ FACILIOO_TARGET: '/t.json', USER_PASSWORD: 'from-env' });
    expect(c.target).toMatchObject({
      name: 'staging',
      baseUrl: 'https://staging-api.facilioo.de',
      refreshTokenIn: 'bearer',
      protectedPath: '/api/accounts/myself',
    });
    expect(c.target.paths.login).toBe('/api/v2/auth/login');
    expect(c.target.paths.refresh).toBe('/api/auth/refresh');
    expect(c.accounts).toEqual([
      { email: 'user@example.test', password: 'from-env' },
      { email: 'admin@example.test', password: 'admin-secret' },
    ]);
  });

  test('a missing environment secret names the field and the variable, never a value', () => {
    expect(() => read({ FACILIOO_TARGET: '/t.json' })).toThrow(/accounts\.user\.password.*USER_PASSWORD/);
  });

  test('BASE_URL overrides the file and is enough on its own for the probe', () => {
    expect(
      read({ FACILIOO_TARGET: '/t.json', USER_PASSWORD: 'x', BASE_URL: 'http://127.0.0.1:9' }).target.baseUrl,
    ).toBe('http://127.0.0.1:9');
    const alone = read({ BASE_URL: 'http://127.0.0.1:9/' });
    expect(alone.target.baseUrl).toBe('http://127.0.0.1:9');
    expect(alone.accounts).toEqual([]);
  });

  test('no target at all says how to name one', () => {
    expect(() => read({})).toThrow(/FACILIOO_TARGET.*BASE_URL/s);
  });

  test('a pool file replaces the target accounts and may reference the environment', () => {
    const c = read(
      { FACILIOO_TARGET: '/t.json', USER_PASSWORD: 'x', ACCOUNTS_FILE: '/pool.json', POOL_PW: 'pw' },
      {
        '/t.json': STAGING,
        '/pool.json': [
          { email: 'load-001@example.test', password: { env: 'POOL_PW' } },
          { email: 'load-002@example.test', password: 'plain' },
        ],
      },
    );
    expect(c.accounts.map((a) => a.email)).toEqual(['load-001@example.test', 'load-002@example.test']);
    expect(c.accounts[0]?.password).toBe('pw');
  });

  test('invalid JSON and unknown routes are named with the file and field', () => {
    expect(() => read({ FACILIOO_TARGET: '/t.json' }, { '/t.json': '{ nope' })).toThrow(
      /\/t\.json: is not valid JSON/,
    );
    expect(() =>
      read(
        { FACILIOO_TARGET: '/t.json', USER_PASSWORD: 'x' },
        { '/t.json': { ...STAGING, paths: { logout: '/x' } } },
      ),
    ).toThrow(/paths\.logout: is not a route/);
  });
});

describe('production', () => {
  test.each([
    ['a target named production', { ...STAGING, name: 'production' }, {}],
    ['the production host', { ...STAGING, name: 'whatever', baseUrl: 'https://api.facilioo.de' }, {}],
    ['BASE_URL pointing at production', STAGING, { BASE_URL: 'https://api.facilioo.de.' }],
  ])('%s is refused unless ALLOW_PRODUCTION=true', (_name, file, extra) => {
    const env = { FACILIOO_TARGET: '/t.json', USER_PASSWORD: 'x', ...extra };
    expect(() => read(env, { '/t.json': file })).toThrow(/is production/);
    expect(read({ ...env, ALLOW_PRODUCTION: 'true' }, { '/t.json': file }).target.baseUrl).toMatch(
      /api\.facilioo\.de/,
    );
  });
});

describe('probe settings', () => {
  test('budgets, endpoint and rejection status come from -e variables with spec defaults', () => {
    const defaults = read({ BASE_URL: 'http://127.0.0.1:9' }).probe;
    expect(defaults).toMatchObject({
      endpoint: 'recoverPassword',
      maxRequests: 100,
      maxSeconds: 600,
      rejectStatuses: [429, 503],
    });
    const set = read({
      BASE_URL: 'http://127.0.0.1:9',
      ENDPOINT: 'login',
      MAX_REQUESTS: '30',
      MAX_SECONDS: '90',
      REJECT_STATUS: '503',
    }).probe;
    expect(set).toMatchObject({ endpoint: 'login', maxRequests: 30, maxSeconds: 90, rejectStatuses: [503] });
  });

  test('a bad number or endpoint names the variable', () => {
    expect(() => read({ BASE_URL: 'http://127.0.0.1:9', MAX_REQUESTS: 'many' })).toThrow(/MAX_REQUESTS/);
    expect(() => read({ BASE_URL: 'http://127.0.0.1:9', ENDPOINT: 'logout' })).toThrow(
      /ENDPOINT.*recoverPassword/s,
    );
  });
});

describe('profiles', () => {
  test.each(PROFILE_NAMES)(
    '%s is bounded in time and judged by error rate, latency per endpoint, drops and forks',
    (name) => {
      const profile = getProfile(name);
      expect(profile.maxSeconds).toBeGreaterThan(0);
      const options = profileOptions(profile);
      expect(Object.keys(options.thresholds ?? {})).toEqual(
        expect.arrayContaining([
          'http_req_failed',
          'dropped_iterations',
          'refresh_forks',
          'http_req_duration{endpoint:login}',
          'http_req_duration{endpoint:protected}',
          'http_req_duration{endpoint:refresh}',
        ]),
      );
      expect(options.thresholds?.['http_req_duration{endpoint:login}']).toEqual(
        expect.arrayContaining([expect.stringMatching(/^p\(95\)</), expect.stringMatching(/^p\(99\)</)]),
      );
      expect(options.thresholds?.refresh_forks).toEqual(['count==0']);
    },
  );

  test('SCALE multiplies arrival rates and the VUs they need', () => {
    const base = getProfile('average');
    const half = getProfile('average', 0.5);
    const peak = (p: typeof base) =>
      Math.max(...('stages' in p.scenario ? p.scenario.stages.map((s) => s.target) : [0]));
    expect(peak(half)).toBe(peak(base) / 2);
    expect(half.maxVUs).toBeLessThan(base.maxVUs);
  });

  test('an unknown profile lists the names', () => {
    expect(() => getProfile('weekend')).toThrow(/smoke, average, stress, spike, soak/);
  });
});
