/**
 * `facilioo-auth load`: resolve the target once (file, or an embedded reference API with a known
 * limiter, so a newcomer can watch the probe find it), refuse production unless told, write the
 * run document the k6 script opens (src/k6/run-config.ts), bundle the script, find k6 and bound
 * the run in time. Reports land in reports/load/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import { beforeRun, guardTarget } from '../preflight/index.ts';
import { PROBE_EMAIL } from '../probe/endpoints.ts';
import { PROBE_DEFAULTS } from '../probe/probe.ts';
import { registerSecret } from '../redact/index.ts';
import type { LimitsOptions } from '../reference-api/rate-limiter.ts';
import { type ResolvedTarget, resolveTarget } from '../target/index.ts';
import { bundleScript, resolveScript, scriptName } from './bundle.ts';
import { type Env, k6Version, requireK6, runK6, supportsDashboardExport } from './k6.ts';
import { getProfile } from './profiles.ts';
import { buildRunConfig, type LoadRunConfig, readAccountsFile, writeRunConfig } from './run-config.ts';

export interface LoadRunOptions {
  script: string;
  targetFile?: string | undefined;
  profile?: string | undefined;
  timeScale?: number | undefined;
  rateScale?: number | undefined;
  allowProduction: boolean;
  /** On a production target, a probe (which bursts the rate limit) also needs this. */
  allowDestructive?: boolean;
  maxRequests?: number | undefined;
  maxSeconds?: number | undefined;
  accountsFile?: string | undefined;
  endpoint?: string | undefined;
  /** Write the run document here (and bundle the script) instead of running k6. */
  writeRunConfig?: string | undefined;
  env: Env;
  cwd: string;
  reportDir?: string;
  log: (line: string) => void;
  /**
   * `inherit`: k6 draws its banner and live progress on our terminal (the CLI at a TTY). `log`
   * (default): each of k6's lines, redacted and without progress, goes to `log` as `k6: …`.
   */
  k6Output?: 'inherit' | 'log';
  /**
   * The limiter of the embedded reference API (no target given); default EMBEDDED_LIMITS. Tests
   * give it a shorter window, so that the probe does not wait out ten-second windows.
   */
  embeddedLimits?: Partial<LimitsOptions>;
}

/** The limiter the embedded reference API runs for `load` without a target: easy to see work. */
export const EMBEDDED_LIMITS: Partial<LimitsOptions> = {
  algorithm: 'fixed-window',
  permitLimit: 5,
  windowSeconds: 10,
  retryAfter: 'exact',
  rejectStatus: 429,
  routes: ['recoverPassword'],
};

const K6_THRESHOLDS_FAILED = 99;

function isProbe(name: string): boolean {
  return name.startsWith('rate-limit-probe');
}

/** Seconds a run may take before k6 is stopped: the probe's budget, or the profile's length. */
export function timeBound(
  scriptName: string,
  options: { profile?: string; maxSeconds?: number; timeScale?: number; rateScale?: number },
): number {
  if (isProbe(scriptName)) return (options.maxSeconds ?? PROBE_DEFAULTS.maxSeconds) + 120;
  const profile = getProfile(options.profile ?? 'smoke', options);
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

function runDocument(resolved: ResolvedTarget, options: LoadRunOptions, reportDir: string): LoadRunConfig {
  const embedded = resolved.reference;
  const accounts = options.accountsFile
    ? readAccountsFile(resolve(options.cwd, options.accountsFile))
    : embedded
      ? embedded.loadAccounts.map(({ email, password }) => ({ email, password }))
      : undefined;
  return buildRunConfig(resolved.target, {
    profile: options.profile ?? 'smoke',
    timeScale: options.timeScale ?? 1,
    rateScale: options.rateScale ?? 1,
    reportDir,
    allowProduction: options.allowProduction,
    accounts,
    probe: {
      endpoint: options.endpoint ?? 'recoverPassword',
      email: PROBE_EMAIL,
      maxRequests: options.maxRequests ?? PROBE_DEFAULTS.maxRequests,
      maxSeconds: options.maxSeconds ?? PROBE_DEFAULTS.maxSeconds,
    },
  });
}

/** Runs a k6 script; resolves to the CLI exit code (0 passed, 1 thresholds or k6 failed). */
export async function runLoad(options: LoadRunOptions): Promise<number> {
  const { env, cwd, log } = options;
  const reportDir = resolve(cwd, options.reportDir ?? join('reports', 'load'));
  const script = await resolveScript(options.script, cwd);
  const name = scriptName(script);
  const probe = isProbe(name);
  const profileName = options.profile ?? 'smoke';
  if (!probe) {
    try {
      getProfile(profileName);
    } catch (error) {
      throw new ConfigError((error as Error).message, { where: '--profile' });
    }
  }

  // Production first: nothing is bundled, started or sent before this passes.
  const targetFile = options.targetFile ?? (env.FACILIOO_TARGET || undefined);
  const maxVUs = probe ? 1 : getProfile(profileName, options).maxVUs;
  const embeddedLimits = options.embeddedLimits ?? EMBEDDED_LIMITS;
  const resolved = await resolveTarget({
    file: targetFile,
    env,
    reference: { limits: embeddedLimits, loadAccounts: Math.min(999, Math.max(20, maxVUs)) },
  });
  const workDir = await mkdtemp(join(tmpdir(), 'facilioo-load-'));
  try {
    const { target } = resolved;
    const where = targetFile ?? 'FACILIOO_BASE_URL';
    const guard = { allowProduction: options.allowProduction, probe, command: 'load' };
    refuseProduction(target, { ...guard, allowDestructive: options.allowDestructive }, where);
    await beforeRun(target, { ...guard, allowDestructive: true, where, log });
    const describe = resolved.reference
      ? `the embedded reference API at ${target.baseUrl} (limiter: ${embeddedLimits.algorithm} ${embeddedLimits.permitLimit} per ${embeddedLimits.windowSeconds} s on recover-password)`
      : `target ${target.name} (${target.baseUrl}) from ${targetFile}`;

    await mkdir(reportDir, { recursive: true });
    const bundle = await bundleScript(script, join(reportDir, 'build'));
    log(`bundled load/${name}.ts → ${relative(cwd, bundle.outfile)} (${Math.round(bundle.bytes / 1024)} kB)`);
    const document = runDocument(resolved, options, reportDir);
    if (options.writeRunConfig) {
      const file = resolve(cwd, options.writeRunConfig);
      await writeRunConfig(file, document);
      log(
        `wrote the run document ${relative(cwd, file)} (it holds passwords: mode 0600); run: k6 run -e FACILIOO_TARGET_JSON=${file} ${bundle.outfile}`,
      );
      return 0;
    }
    const documentFile = join(workDir, 'run.json');
    await writeRunConfig(documentFile, document);
    // The pool's passwords (embedded or --accounts) are known to no target file: whatever k6
    // echoes of them (a script's console, an error) is masked in the log like a target's.
    for (const account of document.accounts) registerSecret(account.password);

    const k6 = requireK6(env, relative(cwd, bundle.outfile));
    const version = await k6Version(k6);
    log(`k6 ${version?.raw ?? '(version unknown)'} at ${k6}`);
    const runName = probe ? name : `${name}.${profileName}`;
    const k6Env: Record<string, string | undefined> = { ...env };
    if (supportsDashboardExport(version)) {
      k6Env.K6_WEB_DASHBOARD = 'true';
      k6Env.K6_WEB_DASHBOARD_EXPORT = join(reportDir, `${runName}-dashboard.html`);
    }
    const timeoutMs = timeBound(name, { ...options, profile: profileName }) * 1000;
    log(`running against ${describe}; reports → ${relative(cwd, reportDir) || '.'}/`);
    const { exitCode, timedOut } = await runK6({
      k6,
      bundle: bundle.outfile,
      vars: { FACILIOO_TARGET_JSON: documentFile },
      env: k6Env,
      cwd,
      timeoutMs,
      output: options.k6Output === 'inherit' ? 'inherit' : { log: (line) => log(`k6: ${line}`) },
    });
    if (timedOut) {
      log(`k6 was stopped after ${Math.round(timeoutMs / 1000)} s (the run's time bound)`);
      return 1;
    }
    if (exitCode === 0) return 0;
    log(exitCode === K6_THRESHOLDS_FAILED ? 'thresholds failed' : `k6 failed (exit ${exitCode})`);
    return 1;
  } finally {
    await rm(workDir, { recursive: true, force: true });
    await resolved.close();
  }
}
