/**
 * `facilioo-auth load`: refuse production unless told, bundle the script, find k6, point it at
 * the target (or at an embedded reference API with a known limiter, so a newcomer can watch the
 * probe find it), and bound the run in time. Reports land in reports/load/.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { PROBE_DEFAULTS } from '../../load/lib/probe.ts';
import { getProfile } from '../../load/lib/profiles.ts';
import { ConfigError } from '../errors.ts';
import { beforeRun, guardTarget } from '../preflight/index.ts';
import type { LimitsOptions } from '../reference-api/rate-limiter.ts';
import { loadTarget } from '../target/index.ts';
import { bundleScript, resolveScript, scriptName } from './bundle.ts';
import { type Env, k6Version, requireK6, runK6, supportsDashboardExport } from './k6.ts';

export interface LoadRunOptions {
  script: string;
  targetFile?: string | undefined;
  profile?: string | undefined;
  allowProduction: boolean;
  /** On a production target, a probe (which bursts the rate limit) also needs this. */
  allowDestructive?: boolean;
  maxRequests?: number | undefined;
  maxSeconds?: number | undefined;
  accountsFile?: string | undefined;
  endpoint?: string | undefined;
  env: Env;
  cwd: string;
  reportDir?: string;
  log: (line: string) => void;
}

/** The limiter the embedded reference API runs for `load` without a target: easy to see work. */
export const EMBEDDED_LIMITS: Partial<LimitsOptions> = {
  algorithm: 'fixed-window',
  permitLimit: 5,
  windowSeconds: 10,
  retryAfter: true,
  rejectStatus: 429,
  routes: ['recoverPassword'],
};

const K6_THRESHOLDS_FAILED = 99;

function isProbe(name: string): boolean {
  return name.startsWith('rate-limit-probe');
}

/** The profile a flow script runs: fixed by `auth-flow.<profile>`, else --profile, PROFILE, smoke. */
export function profileFor(scriptName: string, flag: string | undefined, env: Env): string {
  const fixed = /^auth-flow\.(\w+)$/.exec(scriptName)?.[1];
  if (fixed && flag && flag !== fixed) {
    throw new ConfigError(`${scriptName} always runs the ${fixed} profile`, {
      where: '--profile',
      hint: `drop --profile, or run auth-flow --profile ${flag}`,
    });
  }
  return fixed ?? flag ?? (env.PROFILE || 'smoke');
}

/** Seconds a run may take before k6 is stopped: the probe's budget, or the profile's length. */
export function timeBound(
  scriptName: string,
  options: { profile?: string; maxSeconds?: number },
  env: Env,
): number {
  if (isProbe(scriptName)) return (options.maxSeconds ?? PROBE_DEFAULTS.maxSeconds) + 120;
  const profile = getProfile(profileFor(scriptName, options.profile, env));
  return Math.min(options.maxSeconds ?? Number.POSITIVE_INFINITY, profile.maxSeconds) + 120;
}

/**
 * Load and probes belong on staging: production only when the user says so, before anything is
 * sent (src/preflight's guard, as every command). A probe bursts the rate limit on purpose, so on
 * production it also needs --allow-destructive.
 */
export function refuseProduction(
  target: { name: string; baseUrl: string; production?: boolean },
  options: { allowProduction: boolean; allowDestructive?: boolean; probe: boolean; command: string },
  where: string,
): void {
  const { skipDestructive } = guardTarget(target, {
    command: options.command,
    allowProduction: options.allowProduction,
    allowDestructive: options.allowDestructive ?? false,
    where,
  });
  if (options.probe && skipDestructive) {
    throw new ConfigError(
      `${options.command}: target "${target.name}" (${target.baseUrl}) is production and the probe bursts its rate limit; nothing was sent — pass --allow-destructive as well if you really mean it`,
      { where },
    );
  }
}

/** Runs a k6 script; resolves to the CLI exit code (0 passed, 1 thresholds or k6 failed). */
export async function runLoad(options: LoadRunOptions): Promise<number> {
  const { env, cwd, log } = options;
  const reportDir = resolve(cwd, options.reportDir ?? join('reports', 'load'));
  const script = await resolveScript(options.script, cwd);
  const name = scriptName(script);
  const probe = isProbe(name);
  let profileName: string | undefined;
  if (!probe) {
    profileName = profileFor(name, options.profile, env);
    try {
      getProfile(profileName);
    } catch (error) {
      throw new ConfigError((error as Error).message, { where: options.profile ? '--profile' : 'PROFILE' });
    }
  }

  // Production first: nothing is bundled, started or sent before this passes.
  const targetFile = options.targetFile ?? (env.FACILIOO_TARGET || undefined);
  let describe: string;
  if (targetFile) {
    const target = loadTarget(targetFile, env);
    const baseUrl = env.BASE_URL || target.baseUrl;
    const guard = { allowProduction: options.allowProduction, probe, command: 'load' };
    refuseProduction(
      { ...target, baseUrl },
      { ...guard, allowDestructive: options.allowDestructive },
      targetFile,
    );
    await beforeRun({ ...target, baseUrl }, { ...guard, allowDestructive: true, log });
    describe = `target ${target.name} (${baseUrl}) from ${targetFile}`;
  } else if (env.BASE_URL) {
    refuseProduction(
      { name: 'base-url', baseUrl: env.BASE_URL },
      {
        allowProduction: options.allowProduction,
        allowDestructive: options.allowDestructive,
        probe,
        command: 'load',
      },
      'BASE_URL',
    );
    describe = `BASE_URL ${env.BASE_URL}`;
  } else {
    describe = 'the embedded reference API';
  }

  await mkdir(reportDir, { recursive: true });
  const bundle = await bundleScript(script, join(reportDir, 'build'));
  log(
    `bundled load/${relative(resolve(script, '..'), script)} → ${relative(cwd, bundle.outfile)} (${Math.round(bundle.bytes / 1024)} kB)`,
  );
  const k6 = requireK6(env, relative(cwd, bundle.outfile));
  const version = await k6Version(k6);
  log(`k6 ${version?.raw ?? '(version unknown)'} at ${k6}`);

  const vars: Record<string, string> = { REPORT_DIR: reportDir };
  if (options.profile) vars.PROFILE = options.profile;
  if (options.maxRequests !== undefined) vars.MAX_REQUESTS = String(options.maxRequests);
  if (options.maxSeconds !== undefined) vars.MAX_SECONDS = String(options.maxSeconds);
  if (options.endpoint) vars.ENDPOINT = options.endpoint;
  if (options.accountsFile) vars.ACCOUNTS_FILE = resolve(cwd, options.accountsFile);
  if (options.allowProduction) vars.ALLOW_PRODUCTION = 'true';
  const k6Env: Record<string, string | undefined> = { ...env };
  if (supportsDashboardExport(version)) {
    k6Env.K6_WEB_DASHBOARD = 'true';
    k6Env.K6_WEB_DASHBOARD_EXPORT = join(reportDir, `${bundle.name}-dashboard.html`);
  }

  const timeoutMs = timeBound(name, options, env) * 1000;

  let cleanup = async () => {};
  try {
    if (targetFile) {
      vars.FACILIOO_TARGET = resolve(cwd, targetFile);
    } else if (!env.BASE_URL) {
      const { startReferenceApi } = await import('../reference-api/index.ts');
      const profile = getProfile(profileName ?? 'smoke');
      const api = await startReferenceApi({
        host: '127.0.0.1',
        port: 0,
        limits: EMBEDDED_LIMITS,
        loadAccounts: Math.min(999, Math.max(20, profile.maxVUs)),
      });
      const dir = await mkdtemp(join(tmpdir(), 'facilioo-load-'));
      cleanup = async () => {
        await api.close();
        await rm(dir, { recursive: true, force: true });
      };
      vars.FACILIOO_TARGET = join(dir, 'target.json');
      await writeFile(vars.FACILIOO_TARGET, JSON.stringify(api.targetDocument([]), null, 2), { mode: 0o600 });
      if (!options.accountsFile) {
        vars.ACCOUNTS_FILE = join(dir, 'accounts.json');
        const pool = api.loadAccounts.map((a) => ({ email: a.email, password: a.password }));
        await writeFile(vars.ACCOUNTS_FILE, JSON.stringify(pool), { mode: 0o600 });
      }
      // A stray override would send the run somewhere other than the server just started.
      delete k6Env.BASE_URL;
      delete k6Env.FACILIOO_BASE_URL;
      const l = EMBEDDED_LIMITS;
      describe = `the embedded reference API at ${api.baseUrl} (limiter: ${l.algorithm} ${l.permitLimit} per ${l.windowSeconds} s on recover-password)`;
    }
    log(`running against ${describe}; reports → ${relative(cwd, reportDir) || '.'}/`);
    const { exitCode, timedOut } = await runK6({
      k6,
      bundle: bundle.outfile,
      vars,
      env: k6Env,
      cwd,
      timeoutMs,
    });
    if (timedOut) {
      log(`k6 was stopped after ${Math.round(timeoutMs / 1000)} s (the run's time bound)`);
      return 1;
    }
    if (exitCode === 0) return 0;
    log(exitCode === K6_THRESHOLDS_FAILED ? 'thresholds failed' : `k6 failed (exit ${exitCode})`);
    return 1;
  } finally {
    await cleanup();
  }
}
