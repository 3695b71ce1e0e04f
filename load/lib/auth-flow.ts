/**
 * The login → authenticated call → refresh flow that `load/auth-flow.ts` runs. Each VU logs in with its own account from the pool and keeps its tokens
 * in its own memory for one iteration: no two VUs ever hold the same refresh token. Every few
 * iterations a VU spends its refresh token twice at once; the documented one-time use means at
 * most one of the two may succeed, and a second success is counted as a rotation fork. The other
 * one's 401 is the expected answer, so those two requests declare 200 and 401 as expected and
 * only a rotation fork (or anything else) fails the run.
 */
import { check } from 'k6';
import exec from 'k6/execution';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { getProfile, type Profile, profileOptions } from '../../src/k6/profiles.ts';
import type { Account, LoadConfig } from './config.ts';

export const refreshForks = new Counter('refresh_forks');
export const forkChecks = new Counter('refresh_fork_checks');
/** Sessions the target's rate limiter refused at login: expected under load, counted apart. */
export const rateLimited = new Counter('rate_limited');

// k6 provides console; @types/k6 does not declare it.
declare const console: { warn(...data: unknown[]): void };

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

export interface FlowPlan {
  config: LoadConfig;
  profile: Profile;
  options: Options;
}

/** Options and the profile for a run. */
export function planFlow(config: LoadConfig): FlowPlan {
  const profile = getProfile(config.profile, { timeScale: config.timeScale, rateScale: config.rateScale });
  return { config, profile, options: profileOptions(profile) };
}

/**
 * The limiter's rejection in this flow: the declared status, else 429 only — a 503 nobody
 * declared is an outage here (src/rate-limit: the flow sees no admitted-then-refused shape).
 */
function flowRejectStatus(config: LoadConfig): number {
  return config.target.rejectStatus ?? 429;
}

/**
 * Every request's default: 2xx/3xx, and the limiter's rejection (a refusal the target is allowed
 * to give under load, counted in `rate_limited` instead).
 */
export function expectResponses(config: LoadConfig): void {
  http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }, flowRejectStatus(config)));
}

const FORK_CHECK_EXPECTED = http.expectedStatuses(200, 401);

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

/** The refresh token from a login or refresh answer: a string, or an object carrying one under the target's key. */
function refreshTokenOf(
  config: LoadConfig,
  payload: Record<string, unknown> | undefined,
): string | undefined {
  const value = payload?.refreshToken;
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const carried = (value as Record<string, unknown>)[config.target.refreshTokenKey];
    if (typeof carried === 'string') return carried;
  }
  return undefined;
}

function refreshParams(config: LoadConfig, refreshToken: string, step = 'refresh') {
  const tags = { endpoint: 'refresh', name: 'refresh', step };
  const responseCallback = step === 'fork-check' ? FORK_CHECK_EXPECTED : undefined;
  const headers =
    config.target.refreshTokenIn === 'bearer'
      ? { ...JSON_HEADERS, authorization: `Bearer ${refreshToken}` }
      : JSON_HEADERS;
  const params = responseCallback ? { headers, tags, responseCallback } : { headers, tags };
  return {
    body: config.target.refreshTokenIn === 'bearer' ? null : JSON.stringify({ refreshToken }),
    params,
  };
}

/**
 * setup(): stop at once when the target is down, and say when the pool is smaller than the VUs
 * (VUs then share accounts, each still with its own session).
 */
export function checkTarget(plan: FlowPlan): void {
  const { config, profile } = plan;
  // Without a token the protected path answers 401 when the target is up: expected, not a failure.
  const res = http.get(url(config, config.target.protectedPath), {
    tags: { name: 'setup' },
    responseCallback: http.expectedStatuses({ min: 200, max: 499 }),
  });
  if (res.status === 0 || res.status >= 500) {
    exec.test.abort(
      `target ${config.target.name} (${config.target.baseUrl}) is down: GET ${config.target.protectedPath} answered ${res.status || res.error}`,
    );
  }
  if (config.accounts.length === 0) {
    exec.test.abort(
      `no accounts to log in with: the run document ${config.source} lists none — pass --accounts pool.json ([{ "email", "password" }]) to facilioo-auth load`,
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
  if (login.status === flowRejectStatus(config)) {
    rateLimited.add(1, { endpoint: 'login' });
    return;
  }
  const loginBody = body(login);
  const access = typeof loginBody?.accessToken === 'string' ? loginBody.accessToken : undefined;
  let refreshToken = refreshTokenOf(config, loginBody);
  if (!check(login, { 'login status is 200': (r) => r.status === 200 }) || !access || !refreshToken) return;

  const call = http.get(url(config, config.target.protectedPath), {
    headers: { accept: 'application/json', authorization: `Bearer ${access}` },
    tags: { endpoint: 'protected', name: 'protected' },
  });
  check(call, { 'protected call status is 200': (r) => r.status === 200 });

  const first = refreshParams(config, refreshToken);
  const refreshed = http.post(url(config, config.target.paths.refresh), first.body, first.params);
  const next = refreshTokenOf(config, body(refreshed));
  check(refreshed, {
    'refresh status is 200': (r) => r.status === 200,
    'refresh returns a new refresh token': () => next !== undefined && next !== refreshToken,
  });
  refreshToken = next;
  if (!refreshToken) return;

  if (exec.vu.iterationInScenario % profile.forkCheckEvery === 0) {
    // Both requests carry the same token and leave together; this spends the session.
    const twice = refreshParams(config, refreshToken, 'fork-check');
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
