/**
 * The one place k6 scripts read configuration: `__ENV` and the target file, once, in the init
 * context. The parsing (`readConfig`) takes the environment and a file reader as arguments, so
 * Node tests exercise it without k6. Errors name the variable or field and what to do; they never
 * carry a password.
 *
 * Variables (`k6 run -e NAME=value`, or the process environment):
 *   FACILIOO_TARGET  target file (spec format; use an absolute path — k6 resolves relative paths
 *                    against the script), read with open()
 *   BASE_URL         base URL without a target file (enough for the probe); FACILIOO_BASE_URL and
 *                    BASE_URL override the file's baseUrl
 *   ACCOUNTS_FILE    JSON list of { email, password } for the load account pool
 *   PROFILE          smoke | average | stress | spike | soak (auth flow; default smoke)
 *   SCALE            multiplies a profile's arrival rates (default 1)
 *   ENDPOINT         probe endpoint: a route name or a path (default recoverPassword)
 *   PROBE_EMAIL      address the probe sends (default rate-limit-probe@example.invalid)
 *   MAX_REQUESTS     probe request budget (default 100)
 *   MAX_SECONDS      probe time budget in seconds (default 600)
 *   REJECT_STATUS    the limiter's rejection status, if known (default: 429 or 503, whichever comes)
 *   REPORT_DIR       where handleSummary writes (default reports/load)
 *   ALLOW_PRODUCTION true to run against production (name production/prod or api.facilioo.de)
 */
import { DEFAULT_PATHS, DEFAULT_PROTECTED_PATH, type RouteName } from '../../src/target/types.ts';
import { DEFAULT_REJECT_STATUSES } from './analysis.ts';
import { PROBE_EMAIL, probeRequest } from './endpoints.ts';
import { PROBE_DEFAULTS } from './probe.ts';

// k6's globals, declared for this module so that Node-side tests can import the parsing.
declare const __ENV: Record<string, string | undefined>;
declare function open(path: string): string;

export type Env = Readonly<Record<string, string | undefined>>;

export interface Account {
  email: string;
  password: string;
}

export interface LoadTarget {
  name: string;
  baseUrl: string;
  paths: Record<RouteName, string>;
  protectedPath: string;
  refreshTokenIn: 'body' | 'bearer';
  refreshTokenShape: 'string' | 'object';
}

export interface LoadConfig {
  /** Where the target came from: the file, or `BASE_URL`. */
  source: string;
  target: LoadTarget;
  /** Each VU logs in with its own account from here. Empty without a target or pool file. */
  accounts: Account[];
  profile: string;
  scale: number;
  probe: {
    endpoint: string;
    email: string;
    maxRequests: number;
    maxSeconds: number;
    rejectStatuses: number[];
  };
  reportDir: string;
}

/** The target slots a load run may log in with; `recovery` is left to the scenarios that lock it. */
const POOL_SLOTS = [
  'user',
  'contractor',
  'propertyManagementCompany',
  'admin',
  'otherCompanyPropertyManagementCompany',
];
const PRODUCTION_NAMES = ['production', 'prod'];
const PRODUCTION_HOSTS = ['api.facilioo.de'];

export class LoadConfigError extends Error {
  override readonly name = 'LoadConfigError';
}

function fail(where: string, message: string, hint: string): never {
  throw new LoadConfigError(`${where}: ${message}\n  → ${hint}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field, or `{ "env": "VAR" }` read from the environment. */
function stringField(value: unknown, where: string, env: Env, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) fail(where, 'is missing', 'add it to the file');
    return undefined;
  }
  if (typeof value === 'string') return value;
  if (isObject(value) && typeof value.env === 'string') {
    const fromEnv = env[value.env];
    if (fromEnv === undefined || fromEnv === '') {
      fail(
        where,
        `refers to the environment variable ${value.env}, which is not set`,
        `pass -e ${value.env}=… to k6`,
      );
    }
    return fromEnv;
  }
  return fail(where, 'must be a string or { "env": "VAR" }', 'fix the value in the file');
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    fail(name, `"${raw}" is not a positive number`, `pass -e ${name}=<number>`);
  return value;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail(where, `is not valid JSON (${(error as Error).message})`, 'fix the file');
  }
}

function normaliseBaseUrl(value: string, where: string): string {
  if (!/^https?:\/\/[^/\s]+/.test(value))
    fail(where, `"${value}" is not an http(s) URL`, 'use e.g. https://staging-api.facilioo.de');
  return value.replace(/\/+$/, '');
}

function readAccounts(list: unknown, where: string, env: Env): Account[] {
  const items = isObject(list) && Array.isArray(list.accounts) ? list.accounts : list;
  if (!Array.isArray(items)) return fail(where, 'must be a list of { "email", "password" }', 'fix the file');
  return items.map((item, i) => {
    if (!isObject(item)) return fail(`${where}[${i}]`, 'must be { "email", "password" }', 'fix the entry');
    return {
      email: stringField(item.email, `${where}[${i}].email`, env, true) as string,
      password: stringField(item.password, `${where}[${i}].password`, env, true) as string,
    };
  });
}

function isProduction(target: LoadTarget): boolean {
  if (PRODUCTION_NAMES.includes(target.name.trim().toLowerCase())) return true;
  const host = /^https?:\/\/([^/:]+)/.exec(target.baseUrl)?.[1]?.toLowerCase().replace(/\.$/, '');
  return host !== undefined && PRODUCTION_HOSTS.includes(host);
}

/** Reads and checks the configuration. `readFile` is k6's `open` in scripts. */
export function readConfig(env: Env, readFile: (path: string) => string): LoadConfig {
  const file = env.FACILIOO_TARGET || undefined;
  const baseUrlOverride = env.BASE_URL || env.FACILIOO_BASE_URL || undefined;
  let target: LoadTarget;
  let accounts: Account[] = [];
  if (file) {
    const json = parseJson(readFile(file), file);
    if (!isObject(json)) return fail(file, 'is not a JSON object', 'use the target format from the spec');
    const paths = { ...DEFAULT_PATHS };
    if (isObject(json.paths)) {
      for (const [route, value] of Object.entries(json.paths)) {
        if (!(route in paths))
          fail(`${file}: paths.${route}`, 'is not a route', `use ${Object.keys(paths).join(', ')}`);
        paths[route as RouteName] = stringField(value, `${file}: paths.${route}`, env, true) as string;
      }
    }
    const options = isObject(json.options) ? json.options : {};
    const refreshTokenIn =
      stringField(options.refreshTokenIn, `${file}: options.refreshTokenIn`, env, false) ?? 'body';
    const refreshTokenShape =
      stringField(options.refreshTokenShape, `${file}: options.refreshTokenShape`, env, false) ?? 'string';
    if (refreshTokenIn !== 'body' && refreshTokenIn !== 'bearer') {
      fail(`${file}: options.refreshTokenIn`, `"${refreshTokenIn}" is not allowed`, 'use "body" or "bearer"');
    }
    if (refreshTokenShape !== 'string' && refreshTokenShape !== 'object') {
      fail(
        `${file}: options.refreshTokenShape`,
        `"${refreshTokenShape}" is not allowed`,
        'use "string" or "object"',
      );
    }
    const baseUrl = baseUrlOverride ?? stringField(json.baseUrl, `${file}: baseUrl`, env, true);
    target = {
      name: stringField(json.name, `${file}: name`, env, true) as string,
      baseUrl: normaliseBaseUrl(baseUrl as string, baseUrlOverride ? 'BASE_URL' : `${file}: baseUrl`),
      paths,
      protectedPath:
        stringField(json.protectedPath, `${file}: protectedPath`, env, false) ?? DEFAULT_PROTECTED_PATH,
      refreshTokenIn,
      refreshTokenShape,
    };
    if (isObject(json.accounts)) {
      for (const slot of POOL_SLOTS) {
        const account = json.accounts[slot];
        if (isObject(account)) {
          accounts.push({
            email: stringField(account.email, `${file}: accounts.${slot}.email`, env, true) as string,
            password: stringField(
              account.password,
              `${file}: accounts.${slot}.password`,
              env,
              true,
            ) as string,
          });
        }
      }
    }
  } else if (baseUrlOverride) {
    target = {
      name: 'base-url',
      baseUrl: normaliseBaseUrl(baseUrlOverride, 'BASE_URL'),
      paths: { ...DEFAULT_PATHS },
      protectedPath: DEFAULT_PROTECTED_PATH,
      refreshTokenIn: 'body',
      refreshTokenShape: 'string',
    };
  } else {
    return fail(
      'FACILIOO_TARGET',
      'no target: neither FACILIOO_TARGET nor BASE_URL is set',
      'pass -e FACILIOO_TARGET=/abs/path/target.json (or -e BASE_URL=… for the probe), or run `facilioo-auth load`',
    );
  }
  if (env.ACCOUNTS_FILE)
    accounts = readAccounts(
      parseJson(readFile(env.ACCOUNTS_FILE), env.ACCOUNTS_FILE),
      env.ACCOUNTS_FILE,
      env,
    );

  if (isProduction(target) && env.ALLOW_PRODUCTION !== 'true') {
    fail(
      file ?? 'BASE_URL',
      `target "${target.name}" (${target.baseUrl}) is production`,
      'load belongs on staging; if you really mean it, pass -e ALLOW_PRODUCTION=true (facilioo-auth: --allow-production)',
    );
  }

  const endpoint = env.ENDPOINT || 'recoverPassword';
  try {
    probeRequest(endpoint, target.paths);
  } catch (error) {
    fail(
      'ENDPOINT',
      (error as Error).message,
      'pass -e ENDPOINT=recoverPassword (or another route name, or a path)',
    );
  }
  const rejectStatus = env.REJECT_STATUS ? positiveNumber(env, 'REJECT_STATUS', 429) : undefined;
  return {
    source: file ?? 'BASE_URL',
    target,
    accounts,
    profile: env.PROFILE || 'smoke',
    scale: positiveNumber(env, 'SCALE', 1),
    probe: {
      endpoint,
      email: env.PROBE_EMAIL || PROBE_EMAIL,
      maxRequests: Math.floor(positiveNumber(env, 'MAX_REQUESTS', PROBE_DEFAULTS.maxRequests)),
      maxSeconds: positiveNumber(env, 'MAX_SECONDS', PROBE_DEFAULTS.maxSeconds),
      rejectStatuses: rejectStatus ? [rejectStatus] : [...DEFAULT_REJECT_STATUSES],
    },
    reportDir: (env.REPORT_DIR || 'reports/load').replace(/\/+$/, ''),
  };
}

/** The configuration of this k6 run; call once, in the init context (open() works only there). */
export function loadConfig(): LoadConfig {
  return readConfig(__ENV, (path) => open(path));
}
