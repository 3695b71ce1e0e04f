/**
 * Named release profiles for the login → authenticated call → refresh flow. One iteration is one
 * user session. Arrival-rate executors keep the offered load fixed however slow the target gets,
 * so a struggling target shows up as latency and dropped iterations instead of hiding behind a
 * lower request rate. Every profile is bounded in time, hence in requests.
 *
 * The numbers are a starting point for a team to tune to its SLOs: thresholds on error rate,
 * p95/p99 latency per endpoint, dropped iterations and rotation forks decide pass or fail.
 */
import type { Options, Scenario } from 'k6/options';

export const PROFILE_NAMES = ['smoke', 'average', 'stress', 'spike', 'soak'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The tag every request carries; thresholds and reports group latency by it. */
export const ENDPOINT_TAGS = ['login', 'protected', 'refresh'] as const;

export interface Profile {
  name: ProfileName;
  description: string;
  scenario: Scenario;
  /** Largest number of VUs the profile may use: the size of account pool it wants. */
  maxVUs: number;
  /** Seconds the profile runs at most (stages plus graceful stop). */
  maxSeconds: number;
  /** Every how many iterations a VU checks that concurrent refreshes cannot fork its session. */
  forkCheckEvery: number;
  /** Iterations that may be dropped before the run fails. */
  droppedIterations: number;
  latency: Record<(typeof ENDPOINT_TAGS)[number], { p95: number; p99: number }>;
}

const LATENCY = {
  login: { p95: 800, p99: 1500 },
  protected: { p95: 300, p99: 600 },
  refresh: { p95: 500, p99: 1000 },
};

function arrival(
  stages: Array<{ duration: string; target: number }>,
  scale: number,
  vus: number,
): Scenario & { executor: 'ramping-arrival-rate' } {
  return {
    executor: 'ramping-arrival-rate',
    startRate: 0,
    timeUnit: '1s',
    preAllocatedVUs: Math.max(1, Math.ceil(vus / 2)),
    maxVUs: vus,
    stages: stages.map((s) => ({
      duration: s.duration,
      target: Math.max(0, Math.round(s.target * scale * 100) / 100),
    })),
    gracefulStop: '30s',
  };
}

function seconds(duration: string): number {
  const unit: Record<string, number> = { s: 1, m: 60, h: 3600 };
  const pattern = /(\d+)([smh])/g;
  let total = 0;
  // exec in a loop rather than matchAll: older k6 runtimes lack String.prototype.matchAll.
  for (let m = pattern.exec(duration); m; m = pattern.exec(duration))
    total += Number(m[1]) * (unit[m[2] ?? 's'] ?? 1);
  return total;
}

function totalSeconds(stages: Array<{ duration: string }>): number {
  return stages.reduce((sum, s) => sum + seconds(s.duration), 0) + 30;
}

/** The profile `name`, its arrival rates multiplied by `scale`. Throws naming the valid names. */
export function getProfile(name: string, scale = 1): Profile {
  const vus = (n: number) => Math.max(1, Math.ceil(n * scale));
  switch (name) {
    case 'smoke': {
      return {
        name,
        description: 'one user, five sessions: the flow works end to end',
        scenario: { executor: 'shared-iterations', vus: 1, iterations: 5, maxDuration: '1m' },
        maxVUs: 1,
        maxSeconds: 60,
        forkCheckEvery: 1,
        droppedIterations: 0,
        latency: LATENCY,
      };
    }
    case 'average': {
      const stages = [
        { duration: '1m', target: 5 },
        { duration: '5m', target: 5 },
        { duration: '1m', target: 0 },
      ];
      return {
        name,
        description: 'a normal day: 5 sessions/s for 5 minutes',
        scenario: arrival(stages, scale, vus(20)),
        maxVUs: vus(20),
        maxSeconds: totalSeconds(stages),
        forkCheckEvery: 10,
        droppedIterations: 0,
        latency: LATENCY,
      };
    }
    case 'stress': {
      const stages = [
        { duration: '2m', target: 5 },
        { duration: '3m', target: 10 },
        { duration: '3m', target: 15 },
        { duration: '2m', target: 0 },
      ];
      return {
        name,
        description: 'three times a normal day, in steps, to see where it bends',
        scenario: arrival(stages, scale, vus(60)),
        maxVUs: vus(60),
        maxSeconds: totalSeconds(stages),
        forkCheckEvery: 10,
        droppedIterations: 50,
        latency: LATENCY,
      };
    }
    case 'spike': {
      const stages = [
        { duration: '10s', target: 30 },
        { duration: '1m', target: 30 },
        { duration: '10s', target: 0 },
      ];
      return {
        name,
        description: 'a sudden rush (a mailing, the start of a workday) of 30 sessions/s',
        scenario: arrival(stages, scale, vus(100)),
        maxVUs: vus(100),
        maxSeconds: totalSeconds(stages),
        forkCheckEvery: 10,
        droppedIterations: 100,
        latency: LATENCY,
      };
    }
    case 'soak': {
      const stages = [
        { duration: '5m', target: 5 },
        { duration: '2h', target: 5 },
        { duration: '5m', target: 0 },
      ];
      return {
        name,
        description: 'a normal day held for two hours: leaks, token-store growth, key rotation',
        scenario: arrival(stages, scale, vus(20)),
        maxVUs: vus(20),
        maxSeconds: totalSeconds(stages),
        forkCheckEvery: 20,
        droppedIterations: 10,
        latency: LATENCY,
      };
    }
    default:
      throw new Error(`unknown profile "${name}": use one of ${PROFILE_NAMES.join(', ')}`);
  }
}

/** k6 options for a profile: its scenario and the thresholds that decide the run. */
export function profileOptions(profile: Profile): Options {
  const thresholds: NonNullable<Options['thresholds']> = {
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    dropped_iterations: [`count<=${profile.droppedIterations}`],
    refresh_forks: ['count==0'],
  };
  for (const tag of ENDPOINT_TAGS) {
    const { p95, p99 } = profile.latency[tag];
    thresholds[`http_req_duration{endpoint:${tag}}`] = [`p(95)<${p95}`, `p(99)<${p99}`];
  }
  return {
    scenarios: { [profile.name]: profile.scenario },
    thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    setupTimeout: '60s',
  };
}
