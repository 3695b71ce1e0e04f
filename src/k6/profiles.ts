/**
 * Named release profiles for the login → authenticated call → refresh flow, as one table. One
 * iteration is one user session. Arrival-rate executors keep the offered load fixed however slow
 * the target gets, so a struggling target shows up as latency and dropped iterations instead of
 * hiding behind a lower request rate. Every profile is bounded in time, hence in requests.
 *
 * Two factors reshape a profile without a new table row: `timeScale` multiplies every stage's
 * length (tests and rehearsals run average/stress/spike/soak in seconds), `rateScale` multiplies
 * arrival rates and VUs. The numbers are a starting point for a team to tune to its SLOs.
 */
import type { Options, Scenario } from 'k6/options';

export const PROFILE_NAMES = ['smoke', 'average', 'stress', 'spike', 'soak'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The tag every request carries; thresholds and reports group latency and failures by it. */
export const ENDPOINT_TAGS = ['login', 'protected', 'refresh'] as const;
export type EndpointTag = (typeof ENDPOINT_TAGS)[number];

interface Stage {
  seconds: number;
  /** Sessions per second at the end of the stage. */
  rate: number;
}

interface ProfileRow {
  description: string;
  /** Arrival-rate stages; none for smoke, which runs a fixed number of sessions on one VU. */
  stages: Stage[];
  vus: number;
  /** Every how many iterations of a VU it checks that concurrent refreshes cannot fork its session. */
  forkCheckEvery: number;
  /** Iterations that may be dropped before the run fails. */
  droppedIterations: number;
}

const MINUTE = 60;

/** The profiles. Smoke is the one exception to arrival rates: one VU, five sessions. */
export const PROFILES: Readonly<Record<ProfileName, ProfileRow>> = {
  smoke: {
    description: 'one user, five sessions: the flow works end to end',
    stages: [],
    vus: 1,
    forkCheckEvery: 1,
    droppedIterations: 0,
  },
  average: {
    description: 'a normal day: 5 sessions/s for 5 minutes',
    stages: [
      { seconds: MINUTE, rate: 5 },
      { seconds: 5 * MINUTE, rate: 5 },
      { seconds: MINUTE, rate: 0 },
    ],
    vus: 20,
    forkCheckEvery: 10,
    droppedIterations: 0,
  },
  stress: {
    description: 'three times a normal day, in steps, to see where it bends',
    stages: [
      { seconds: 2 * MINUTE, rate: 5 },
      { seconds: 3 * MINUTE, rate: 10 },
      { seconds: 3 * MINUTE, rate: 15 },
      { seconds: 2 * MINUTE, rate: 0 },
    ],
    vus: 60,
    forkCheckEvery: 10,
    droppedIterations: 50,
  },
  spike: {
    description: 'a sudden rush (a mailing, the start of a workday) of 30 sessions/s',
    stages: [
      { seconds: 10, rate: 30 },
      { seconds: MINUTE, rate: 30 },
      { seconds: 10, rate: 0 },
    ],
    vus: 100,
    forkCheckEvery: 10,
    droppedIterations: 100,
  },
  soak: {
    description: 'a normal day held for two hours: leaks, token-store growth, key rotation',
    stages: [
      { seconds: 5 * MINUTE, rate: 5 },
      { seconds: 120 * MINUTE, rate: 5 },
      { seconds: 5 * MINUTE, rate: 0 },
    ],
    vus: 20,
    forkCheckEvery: 20,
    droppedIterations: 10,
  },
};

/** Latency budget per endpoint. */
export const LATENCY_MS: Readonly<Record<EndpointTag, { p95: number; p99: number }>> = {
  login: { p95: 800, p99: 1500 },
  protected: { p95: 300, p99: 600 },
  refresh: { p95: 500, p99: 1000 },
};

const SMOKE_SESSIONS = 5;
const SMOKE_MAX_SECONDS = 60;
const GRACEFUL_STOP_SECONDS = 30;

export interface Profile {
  name: ProfileName;
  description: string;
  scenario: Scenario;
  /** Largest number of VUs the profile may use: the size of account pool it wants. */
  maxVUs: number;
  /** Seconds the profile runs at most (stages plus graceful stop). */
  maxSeconds: number;
  forkCheckEvery: number;
  droppedIterations: number;
}

export interface Scaling {
  timeScale?: number;
  rateScale?: number;
}

function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/** The profile `name`, reshaped by the scaling factors. Throws naming the valid names. */
export function getProfile(name: string, { timeScale = 1, rateScale = 1 }: Scaling = {}): Profile {
  if (!isProfileName(name))
    throw new Error(`unknown profile "${name}": use one of ${PROFILE_NAMES.join(', ')}`);
  const row = PROFILES[name];
  const common = {
    name,
    description: row.description,
    forkCheckEvery: row.forkCheckEvery,
    droppedIterations: row.droppedIterations,
  };
  if (row.stages.length === 0) {
    return {
      ...common,
      scenario: {
        executor: 'shared-iterations',
        vus: row.vus,
        iterations: SMOKE_SESSIONS,
        maxDuration: `${SMOKE_MAX_SECONDS}s`,
      },
      maxVUs: row.vus,
      maxSeconds: SMOKE_MAX_SECONDS,
    };
  }
  const vus = Math.max(1, Math.ceil(row.vus * rateScale));
  // A stage shorter than a second would let k6 skip it; stopping needs a few seconds at least.
  const stages = row.stages.map((stage) => ({
    duration: `${Math.max(1, Math.round(stage.seconds * timeScale))}s`,
    // k6 takes whole iterations per time unit; a scaled-down stage that had load keeps at least one.
    target: stage.rate === 0 ? 0 : Math.max(1, Math.round(stage.rate * rateScale)),
  }));
  const gracefulStop = Math.max(5, Math.round(GRACEFUL_STOP_SECONDS * timeScale));
  const stageSeconds = stages.reduce((sum, s) => sum + Number.parseInt(s.duration, 10), 0);
  return {
    ...common,
    scenario: {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      preAllocatedVUs: Math.max(1, Math.ceil(vus / 2)),
      maxVUs: vus,
      stages,
      gracefulStop: `${gracefulStop}s`,
    },
    maxVUs: vus,
    maxSeconds: stageSeconds + gracefulStop,
    forkCheckEvery: row.forkCheckEvery,
  };
}

/**
 * k6 options for a profile: its scenario and the thresholds that decide the run — failures and
 * latency per endpoint (expected refusals are not failures: the flow marks them per request),
 * checks, dropped iterations and rotation forks.
 */
export function profileOptions(profile: Profile): Options {
  const thresholds: NonNullable<Options['thresholds']> = {
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    dropped_iterations: [`count<=${profile.droppedIterations}`],
    refresh_forks: ['count==0'],
  };
  for (const tag of ENDPOINT_TAGS) {
    const { p95, p99 } = LATENCY_MS[tag];
    thresholds[`http_req_failed{endpoint:${tag}}`] = ['rate<0.01'];
    thresholds[`http_req_duration{endpoint:${tag}}`] = [`p(95)<${p95}`, `p(99)<${p99}`];
  }
  return {
    scenarios: { [profile.name]: profile.scenario },
    thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    setupTimeout: '60s',
  };
}
