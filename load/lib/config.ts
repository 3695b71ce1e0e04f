/**
 * The one place k6 scripts read configuration, once, in the init context: the run document that
 * `facilioo-auth load` writes (`src/k6/run-config.ts`: the target already resolved by
 * `src/target/`, the accounts, the run's settings). Nothing here parses the target format. The
 * reading (`readConfig`) takes the environment and a file reader as arguments, so Node tests
 * exercise it without k6. Errors name the variable or field and what to do, never a password.
 *
 * Variables (`k6 run -e NAME=value`); every one is namespaced, because tools around k6 (Vite,
 * CI runners) set bare names like BASE_URL:
 *   FACILIOO_TARGET_JSON      the run document (absolute path: k6 resolves open() against the
 *                             script); `facilioo-auth load <script> --write-run-config FILE` writes one
 *   FACILIOO_PROFILE          overrides the document's profile
 *   FACILIOO_TIME_SCALE       overrides its time scale (0.1 = every stage a tenth as long)
 *   FACILIOO_RATE_SCALE       overrides its rate scale (arrival rates and VUs)
 *   FACILIOO_REPORT_DIR       overrides where handleSummary writes
 *   FACILIOO_ALLOW_PRODUCTION true to run a document written for production without --allow-production
 */
import { type LoadRunConfig, RUN_CONFIG_VERSION } from '../../src/k6/run-document.ts';
import { probeRequest } from '../../src/probe/endpoints.ts';
import { type RejectStatus, rejectStatusesFor } from '../../src/rate-limit/index.ts';

// k6's globals, declared for this module so that Node-side tests can import the parsing.
declare const __ENV: Record<string, string | undefined>;
declare function open(path: string): string;

export type Env = Readonly<Record<string, string | undefined>>;

export interface Account {
  email: string;
  password: string;
}

export type LoadTarget = LoadRunConfig['target'];

export interface LoadConfig {
  /** The run document's path. */
  source: string;
  target: LoadTarget;
  accounts: Account[];
  profile: string;
  timeScale: number;
  rateScale: number;
  probe: LoadRunConfig['probe'] & { rejectStatuses: RejectStatus[] };
  reportDir: string;
}

export const RUN_DOCUMENT_VARIABLE = 'FACILIOO_TARGET_JSON';

export class LoadConfigError extends Error {
  override readonly name = 'LoadConfigError';
}

function fail(where: string, message: string, hint: string): never {
  throw new LoadConfigError(`${where}: ${message}\n  → ${hint}`);
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    fail(name, `"${raw}" is not a positive number`, `pass -e ${name}=<number>`);
  return value;
}

function parseDocument(text: string, file: string): LoadRunConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(
      file,
      `is not valid JSON (${(error as Error).message})`,
      'write it again with --write-run-config',
    );
  }
  const doc = json as Partial<LoadRunConfig> | null;
  if (doc === null || typeof doc !== 'object' || doc.version !== RUN_CONFIG_VERSION) {
    return fail(
      file,
      `is not a run document of version ${RUN_CONFIG_VERSION} (a target file is not enough here)`,
      'let `facilioo-auth load` write it: --write-run-config FILE, then pass that file',
    );
  }
  for (const part of ['target', 'run', 'probe'] as const) {
    if (typeof doc[part] !== 'object' || doc[part] === null)
      fail(file, `has no "${part}"`, 'write it again with --write-run-config');
  }
  if (!Array.isArray(doc.accounts))
    fail(file, 'has no "accounts" list', 'write it again with --write-run-config');
  return doc as LoadRunConfig;
}

/** Reads and checks the configuration. `readFile` is k6's `open` in scripts. */
export function readConfig(env: Env, readFile: (path: string) => string): LoadConfig {
  const file = env[RUN_DOCUMENT_VARIABLE];
  if (!file) {
    return fail(
      RUN_DOCUMENT_VARIABLE,
      'is not set: the script has no target',
      'run it through `facilioo-auth load <script> --target FILE`, or write a run document with `--write-run-config FILE` and pass -e FACILIOO_TARGET_JSON=/abs/path/FILE',
    );
  }
  const doc = parseDocument(readFile(file), file);
  if (doc.target.production && !doc.run.allowProduction && env.FACILIOO_ALLOW_PRODUCTION !== 'true') {
    fail(
      file,
      `target "${doc.target.name}" (${doc.target.baseUrl}) is production`,
      'load belongs on staging; if you really mean it, pass -e FACILIOO_ALLOW_PRODUCTION=true (facilioo-auth: --allow-production)',
    );
  }
  try {
    probeRequest(doc.probe.endpoint, doc.target.paths);
  } catch (error) {
    fail(
      `${file}: probe.endpoint`,
      (error as Error).message,
      'use recoverPassword (or another route name, or a path)',
    );
  }
  const rejectStatus = doc.target.rejectStatus ?? undefined;
  return {
    source: file,
    target: doc.target,
    accounts: doc.accounts,
    profile: env.FACILIOO_PROFILE || doc.run.profile,
    timeScale: positiveNumber(env, 'FACILIOO_TIME_SCALE', doc.run.timeScale),
    rateScale: positiveNumber(env, 'FACILIOO_RATE_SCALE', doc.run.rateScale),
    probe: { ...doc.probe, rejectStatuses: rejectStatusesFor(rejectStatus) },
    reportDir: (env.FACILIOO_REPORT_DIR || doc.run.reportDir).replace(/\/+$/, ''),
  };
}

/** The configuration of this k6 run; call once, in the init context (open() works only there). */
export function loadConfig(): LoadConfig {
  return readConfig(__ENV, (path) => open(path));
}
