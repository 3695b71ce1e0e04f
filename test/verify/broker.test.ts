// The broker flow is read from the environment the CLI hands in, only when PACT_BROKER_BASE_URL
// is set, and never puts a credential on the pact-broker command line.
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { redactText } from '../../src/redact/index.ts';
import { brokerConfig, buildInfo, canIDeployArgs, publishArgs } from '../../src/verify/broker.ts';

describe('brokerConfig', () => {
  test('without PACT_BROKER_BASE_URL there is no broker flow', () => {
    expect(brokerConfig({})).toBeUndefined();
    expect(brokerConfig({ PACT_BROKER_BASE_URL: '  ' })).toBeUndefined();
  });

  test('a broker URL that is not a URL is a configuration error naming the variable', () => {
    expect(() => brokerConfig({ PACT_BROKER_BASE_URL: 'broker' })).toThrowError(ConfigError);
    expect(() => brokerConfig({ PACT_BROKER_BASE_URL: 'broker' })).toThrowError(/PACT_BROKER_BASE_URL/);
  });

  test('the token is kept and registered for redaction', () => {
    const token = 'broker-token-7f3a9c1e5b';
    expect(brokerConfig({ PACT_BROKER_BASE_URL: 'https://broker.test', PACT_BROKER_TOKEN: token })).toEqual({
      url: 'https://broker.test',
      token,
    });
    expect(redactText(`token ${token}`)).not.toContain(token);
  });
});

describe('pact-broker arguments', () => {
  const build = { version: 'abc123', branch: 'main', ci: true };

  test('publish names the version and branch and carries no credential', () => {
    expect(publishArgs('reports/pacts', build)).toEqual([
      'publish',
      'reports/pacts',
      '--consumer-app-version',
      'abc123',
      '--branch',
      'main',
    ]);
  });

  test('can-i-deploy asks about the consumer by default, for production', () => {
    expect(canIDeployArgs(build, {})).toEqual([
      'can-i-deploy',
      '--pacticipant',
      'facilioo-auth-suite',
      '--version',
      'abc123',
      '--to-environment',
      'production',
    ]);
  });
});

describe('buildInfo', () => {
  test("GitHub Actions' SHA and head branch win; results are published only when CI is true", async () => {
    const info = await buildInfo(
      { GITHUB_SHA: 'deadbeef', GITHUB_HEAD_REF: 'feature', GITHUB_REF_NAME: '12/merge' },
      '/',
    );
    expect(info).toEqual({ version: 'deadbeef', branch: 'feature', ci: false });
    expect((await buildInfo({ GITHUB_SHA: 'deadbeef', CI: 'true' }, '/')).ci).toBe(true);
  });
});
