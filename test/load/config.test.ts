// k6 scripts read one run document that the CLI resolved from the target (no second parser of
// the target format under load/), and only FACILIOO_* variables: tools around k6 set bare names.
import { describe, expect, test } from 'vitest';
import { type Env, readConfig } from '../../load/lib/config.ts';
import { getProfile, PROFILE_NAMES, profileOptions } from '../../src/k6/profiles.ts';
import { buildRunConfig, type LoadRunConfig, type RunSettings } from '../../src/k6/run-config.ts';
import { parseTarget } from '../../src/target/index.ts';

const STAGING = {
  name: 'staging',
  baseUrl: 'https://staging-api.facilioo.de/',
  accounts: {
    user: { email: 'user@example.test', password: { env: 'USER_PASSWORD' } },
    recovery: { email: 'recovery@example.test', password: 'recovery-secret' },
    admin: { email: 'admin@example.test', password: 'admin-secret' },
  },
  paths: { login: '/api/v2/auth/login' },
  options: { refreshTokenIn: 'bearer', rateLimit: { rejectStatus: 503 } },
};

const SETTINGS: RunSettings = {
  profile: 'average',
  timeScale: 0.1,
  rateScale: 1,
  reportDir: '/r/load/',
  allowProduction: false,
  probe: { endpoint: 'recoverPassword', email: 'p@example.invalid', maxRequests: 40, maxSeconds: 90 },
};

function documentFor(file: object = STAGING, settings: Partial<RunSettings> = {}): LoadRunConfig {
  const target = parseTarget(file, { source: 't.json', baseDir: '/', env: { USER_PASSWORD: 'from-env' } });
  return buildRunConfig(target, { ...SETTINGS, ...settings });
}

function read(env: Env, document: unknown = documentFor()) {
  return readConfig({ FACILIOO_TARGET_JSON: '/run.json', ...env }, (path) => {
    if (path !== '/run.json') throw new Error(`open: no such file ${path}`);
    return typeof document === 'string' ? document : JSON.stringify(document);
  });
}

describe('the run document', () => {
  test('carries the resolved target, a pool without the recovery account and the run settings', () => {
    const c = read({});
    expect(c.target).toMatchObject({
      name: 'staging',
      baseUrl: 'https://staging-api.facilioo.de',
      refreshTokenIn: 'bearer',
      protectedPath: '/api/accounts/myself',
      rejectStatus: 503,
    });
    expect(c.target.paths.login).toBe('/api/v2/auth/login');
    expect(c.target.paths.refresh).toBe('/api/auth/refresh');
    expect(c.accounts).toEqual([
      { email: 'user@example.test', password: 'from-env' },
      { email: 'admin@example.test', password: 'admin-secret' },
    ]);
    expect(c).toMatchObject({ profile: 'average', timeScale: 0.1, rateScale: 1, reportDir: '/r/load' });
  });

  test('the declared rejection status is the only one the probe and the flow accept', () => {
    expect(read({}).probe.rejectStatuses).toEqual([503]);
    const undeclared = documentFor({ ...STAGING, options: {} });
    expect(read({}, undeclared).probe.rejectStatuses).toEqual([429, 503]);
  });

  test('FACILIOO_* variables override the run settings; bare names (Vitest sets BASE_URL) are ignored', () => {
    const c = read({
      FACILIOO_PROFILE: 'spike',
      FACILIOO_TIME_SCALE: '0.5',
      FACILIOO_RATE_SCALE: '2',
      FACILIOO_REPORT_DIR: '/elsewhere/',
      BASE_URL: '/',
      PROFILE: 'soak',
    });
    expect(c).toMatchObject({ profile: 'spike', timeScale: 0.5, rateScale: 2, reportDir: '/elsewhere' });
    expect(c.target.baseUrl).toBe('https://staging-api.facilioo.de');
    expect(() => read({ FACILIOO_TIME_SCALE: 'fast' })).toThrow(/FACILIOO_TIME_SCALE/);
  });

  test('without a run document the error says how to get one', () => {
    expect(() => readConfig({ BASE_URL: 'http://127.0.0.1:9' }, () => '')).toThrow(
      /FACILIOO_TARGET_JSON.*facilioo-auth load.*--write-run-config/s,
    );
  });

  test('a target file or broken JSON instead of a run document is named as such', () => {
    expect(() => read({}, STAGING)).toThrow(/run\.json: is not a run document.*target file is not enough/s);
    expect(() => read({}, '{ nope')).toThrow(/run\.json: is not valid JSON/);
    expect(() => read({}, { ...documentFor(), accounts: undefined })).toThrow(/no "accounts"/);
  });

  test('an unknown probe endpoint names the field', () => {
    const document = documentFor(STAGING, { probe: { ...SETTINGS.probe, endpoint: 'logout' } });
    expect(() => read({}, document)).toThrow(/probe\.endpoint.*recoverPassword/s);
  });
});

describe('production', () => {
  test.each([
    ['a target named production', { ...STAGING, name: 'production' }],
    ['the production host', { ...STAGING, name: 'whatever', baseUrl: 'https://api.facilioo.de.' }],
  ])('%s is refused unless allowed when the document was written or now', (_name, file) => {
    expect(() => read({}, documentFor(file))).toThrow(/is production/);
    expect(read({ FACILIOO_ALLOW_PRODUCTION: 'true' }, documentFor(file)).target.production).toBe(true);
    expect(read({}, documentFor(file, { allowProduction: true })).target.baseUrl).toMatch(
      /api\.facilioo\.de/,
    );
  });
});

describe('profiles', () => {
  test.each(PROFILE_NAMES)(
    '%s is bounded in time and judged by failures and latency per endpoint, drops and forks',
    (name) => {
      const profile = getProfile(name);
      expect(profile.maxSeconds).toBeGreaterThan(0);
      const options = profileOptions(profile);
      expect(Object.keys(options.thresholds ?? {})).toEqual(
        expect.arrayContaining([
          'http_req_failed',
          'dropped_iterations',
          'refresh_forks',
          'http_req_failed{endpoint:refresh}',
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

  const peak = (p: ReturnType<typeof getProfile>) =>
    Math.max(...('stages' in p.scenario ? p.scenario.stages.map((s) => s.target) : [0]));

  test('the rate scale multiplies arrival rates (whole sessions per second) and the VUs they need', () => {
    const base = getProfile('average');
    const less = getProfile('average', { rateScale: 0.4 });
    expect(peak(less)).toBe(peak(base) * 0.4);
    expect(less.maxVUs).toBeLessThan(base.maxVUs);
    expect(peak(getProfile('average', { rateScale: 0.01 }))).toBe(1);
  });

  test('the time scale shortens every stage (never below a second) and keeps the rates', () => {
    const full = getProfile('soak');
    const quick = getProfile('soak', { timeScale: 0.005 });
    expect(full.maxSeconds).toBe(130 * 60 + 30);
    expect(quick.maxSeconds).toBe(2 + 36 + 2 + 5);
    expect(peak(quick)).toBe(peak(full));
    expect(getProfile('spike', { timeScale: 0.01 }).maxSeconds).toBe(1 + 1 + 1 + 5);
    expect(getProfile('smoke', { timeScale: 0.01 }).maxSeconds).toBe(getProfile('smoke').maxSeconds);
  });

  test('an unknown profile lists the names', () => {
    expect(() => getProfile('weekend')).toThrow(/smoke, average, stress, spike, soak/);
  });
});
