/**
 * The login → authenticated call → refresh flow, shared by `load/auth-flow.ts` and its
 * per-profile entries. Each VU logs in with its own account from the pool and keeps its tokens
 * in its own memory for one iteration: no two VUs ever hold the same refresh token. Every few
 * iterations a VU spends its refresh token twice at once; the documented one-time use means at
 * most one of the two may succeed, and a second success is counted as a rotation fork.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import type { Account, LoadConfig } from './config.ts';
import { getProfile, type Profile, profileOptions } from './profiles.ts';

export const refreshForks = new Counter('refresh_forks');
export const forkChecks = new Counter('refresh_fork_checks');

// k6 provides console; @types/k6 does not declare it.
declare const console: { warn(...data: unknown[]): void };

const REFRESH_OBJECT_KEYS = ['token', 'value', 'refreshToken'];
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

export interface FlowPlan {
  config: LoadConfig;
  profile: Profile;
  options: Options;
}

/** Options and the profile for a run; `profileName` overrides PROFILE (the per-profile entries). */
export function planFlow(config: LoadConfig, profileName?: string): FlowPlan {
  const profile = getProfile(profileName ?? config.profile, config.scale);
  return { config, profile, options: profileOptions(profile) };
}

function url(config: LoadConfig, path: string): string {
  return `${config.target.baseUrl}${path}`;
}

function body(res: RefinedResponse<ResponseType | undefined>): Record<string, unknown> | undefined {
  try {
    const value = res.json();
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The refresh token from a login or refresh answer: a string, or an object carrying one. */
function refreshTokenOf(payload: Record<string, unknown> | undefined): string | undefined {
  const value = payload?.refreshToken;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    for (const key of REFRESH_OBJECT_KEYS) {
      const candidate = (value as Record<string, unknown>)[key];
      if (typeof candidate === 'string') return candidate;
    }
  }
  return undefined;
}

function refreshParams(config: LoadConfig, refreshToken: string) {
  const tags = { endpoint: 'refresh', name: 'refresh' };
  return config.target.refreshTokenIn === 'bearer'
    ? { body: null, params: { headers: { ...JSON_HEADERS, authorization: `Bearer ${refreshToken}` }, tags } }
    : { body: JSON.stringify({ refreshToken }), params: { headers: JSON_HEADERS, tags } };
}

/**
 * setup(): stop at once when the target is down, and say when the pool is smaller than the VUs
 * (VUs then share accounts, each still with its own session).
 */
export function checkTarget(plan: FlowPlan): void {
  const { config, profile } = plan;
  const res = http.get(url(config, config.target.protectedPath), { tags: { name: 'setup' } });
  if (res.status === 0 || res.status >= 500) {
    exec.test.abort(
      `target ${config.target.name} (${config.target.baseUrl}) is down: GET ${config.target.protectedPath} answered ${res.status || res.error}`,
    );
  }
  if (config.accounts.length === 0) {
    exec.test.abort(
      `no accounts to log in with: the target ${config.source} lists none — pass -e ACCOUNTS_FILE=pool.json ([{ "email", "password" }])`,
    );
  }
  if (config.accounts.length < profile.maxVUs) {
    console.warn(
      `${profile.maxVUs} VUs share ${config.accounts.length} accounts; each VU keeps its own session, but a larger pool spreads the load more like real users`,
    );
  }
}

/** One user session: login, one authenticated call, one refresh (and now and then a fork check). */
export function runSession(plan: FlowPlan): void {
  const { config, profile } = plan;
  const vu = exec.vu.idInTest;
  const account = config.accounts[(vu - 1) % config.accounts.length] as Account;

  const login = http.post(
    url(config, config.target.paths.login),
    JSON.stringify({ email: account.email, password: account.password, skipMultiFactorAuthentication: true }),
    { headers: JSON_HEADERS, tags: { endpoint: 'login', name: 'login' } },
  );
  const loginBody = body(login);
  const access = typeof loginBody?.accessToken === 'string' ? loginBody.accessToken : undefined;
  let refreshToken = refreshTokenOf(loginBody);
  if (!check(login, { 'login status is 200': (r) => r.status === 200 }) || !access || !refreshToken) return;

  const call = http.get(url(config, config.target.protectedPath), {
    headers: { accept: 'application/json', authorization: `Bearer ${access}` },
    tags: { endpoint: 'protected', name: 'protected' },
  });
  check(call, { 'protected call status is 200': (r) => r.status === 200 });

  const first = refreshParams(config, refreshToken);
  const refreshed = http.post(url(config, config.target.paths.refresh), first.body, first.params);
  const next = refreshTokenOf(body(refreshed));
  check(refreshed, {
    'refresh status is 200': (r) => r.status === 200,
    'refresh returns a new refresh token': () => next !== undefined && next !== refreshToken,
  });
  refreshToken = next;
  if (!refreshToken) return;

  if (exec.vu.iterationInScenario % profile.forkCheckEvery === 0) {
    // Both requests carry the same token and leave together; this spends the session.
    const twice = refreshParams(config, refreshToken);
    const target = url(config, config.target.paths.refresh);
    const [a, b] = http.batch([
      ['POST', target, twice.body, twice.params],
      ['POST', target, twice.body, twice.params],
    ]);
    const successes = [a, b].filter((r) => r?.status === 200).length;
    forkChecks.add(1);
    // Added even when 0, so the count==0 threshold always has data to judge.
    refreshForks.add(successes > 1 ? 1 : 0);
    check(successes, { 'concurrent refresh with one token: at most one status is 200': (n) => n <= 1 });
  }
}
