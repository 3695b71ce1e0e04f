/**
 * `facilioo-auth load <script> [--target FILE] [--profile NAME] [--time-scale F] [--rate-scale F]
 * [--allow-production] [--max-requests N] [--max-seconds N] [--write-run-config FILE]`: bundles a
 * k6 script from load/ and runs it with k6 (exit 2 with install instructions when k6 is missing).
 * Without a target it starts the embedded reference API with a fixed window of 5 per 10 s.
 * Exit 0 when thresholds hold, 1 when not.
 */
import { join, relative, resolve } from 'node:path';
import { runLoad } from '../k6/run.ts';
import { GUARD_FLAGS } from '../preflight/index.ts';
import { readThresholds } from '../report/inputs.ts';
import { loadFilesSince, loadReport, writeRun } from '../report/runs.ts';
import { loadTarget } from '../target/index.ts';
import { positive } from './flags.ts';
import type { RegisterCommand } from './main.ts';

interface LoadFlags {
  target?: string;
  profile?: string;
  timeScale?: string;
  rateScale?: string;
  writeRunConfig?: string;
  allowProduction: boolean;
  allowDestructive: boolean;
  maxRequests?: string;
  maxSeconds?: string;
  accounts?: string;
  endpoint?: string;
}

export const register: RegisterCommand = (program, setExitCode) => {
  program
    .command('load')
    .description('Run a k6 script from load/ (rate-limit-probe, auth-flow) with k6')
    .argument('<script>', 'script name: rate-limit-probe or auth-flow')
    .option('--target <file>', 'target file (default: FACILIOO_TARGET, else the embedded reference API)')
    .option('--profile <name>', 'auth-flow profile: smoke, average, stress, spike, soak (default smoke)')
    .option('--time-scale <factor>', 'multiply every stage of the profile by this (0.1: a tenth as long)')
    .option('--rate-scale <factor>', "multiply the profile's arrival rates and VUs by this")
    .option(
      '--write-run-config <file>',
      'write the run document for a plain `k6 run` (holds passwords) instead of running',
    )
    .option(...GUARD_FLAGS.allowProduction, false)
    .option(...GUARD_FLAGS.allowDestructive, false)
    .option('--max-requests <n>', 'probe request budget (default 100)')
    .option('--max-seconds <n>', 'probe time budget; for other scripts a cap on the run (seconds)')
    .option('--accounts <file>', 'load account pool: JSON list of { email, password }')
    .option('--endpoint <route>', 'probe endpoint: a route name or a path (default recoverPassword)')
    .action(async (script: string, flags: LoadFlags) => {
      const maxRequests =
        flags.maxRequests === undefined ? undefined : positive('--max-requests', flags.maxRequests);
      const env = process.env;
      const started = Date.now();
      const code = await runLoad({
        script,
        targetFile: flags.target,
        profile: flags.profile,
        timeScale: flags.timeScale === undefined ? undefined : positive('--time-scale', flags.timeScale),
        rateScale: flags.rateScale === undefined ? undefined : positive('--rate-scale', flags.rateScale),
        writeRunConfig: flags.writeRunConfig,
        allowProduction: flags.allowProduction,
        allowDestructive: flags.allowDestructive,
        maxRequests: maxRequests === undefined ? undefined : Math.floor(maxRequests),
        maxSeconds: flags.maxSeconds === undefined ? undefined : positive('--max-seconds', flags.maxSeconds),
        accountsFile: flags.accounts,
        endpoint: flags.endpoint,
        env,
        cwd: process.cwd(),
        log: (line) => process.stderr.write(`facilioo-auth load: ${line}\n`),
        // A person at a terminal watches k6's live progress; a pipe or CI log gets its lines only.
        k6Output: process.stdout.isTTY && process.stderr.isTTY ? 'inherit' : 'log',
      });
      if (flags.writeRunConfig) {
        setExitCode(code);
        return;
      }
      // The k6 run is a run of its own: its thresholds and latencies appear in its run's page only.
      const loadDir = resolve('reports', 'load');
      const loadFiles = await loadFilesSince(loadDir, started - 1_000);
      const targetFile = flags.target ?? (env.FACILIOO_TARGET || undefined);
      const target = targetFile
        ? loadTarget(targetFile, env)
        : { name: 'embedded', baseUrl: 'embedded reference API' };
      const gate = loadReport(await readThresholds(loadDir, [], loadFiles), {
        target: { name: target.name, baseUrl: target.baseUrl },
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        exitCode: code,
      });
      const run = await writeRun(gate, { dir: resolve('reports'), kind: 'load', loadFiles });
      process.stderr.write(
        `facilioo-auth load: report ${relative(process.cwd(), join(run.runDir, 'index.html'))}\n`,
      );
      setExitCode(code);
    });
};
