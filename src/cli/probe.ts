/**
 * `facilioo-auth probe`: the rate-limit probe without k6. The same state machine the k6 script
 * drives (src/probe/probe.ts), driven from Node, writing the same reports/load/rate-limit-probe.json
 * — for machines without k6, and so that the gate report can chart a probe. Without a target it
 * probes an embedded reference API with a known limiter (5 per 10 s), to watch it work.
 */
import { join, relative, resolve } from 'node:path';
import { runProbe } from '../k6/probe-driver.ts';
import { EMBEDDED_LIMITS, refuseProduction } from '../k6/run.ts';
import { beforeRun, GUARD_FLAGS } from '../preflight/index.ts';
import { PROBE_DEFAULTS } from '../probe/probe.ts';
import { type RejectStatus, rejectStatusesFor } from '../rate-limit/index.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import { toProbe } from '../report/inputs.ts';
import { probeReport, reportsRootOf, writeRun } from '../report/runs.ts';
import { loadTarget } from '../target/index.ts';
import { positive } from './flags.ts';
import type { RegisterCommand } from './main.ts';

interface ProbeFlags {
  target?: string;
  endpoint?: string;
  maxRequests: string;
  maxSeconds: string;
  allowProduction: boolean;
  allowDestructive: boolean;
  reportDir: string;
}

export const register: RegisterCommand = (program, setExitCode, context) => {
  program
    .command('probe')
    .description("Find a target's rate limit (limit, window, algorithm, Retry-After) without k6")
    .option('--target <file>', 'target file (default: FACILIOO_TARGET, else an embedded reference API)')
    .option('--endpoint <route>', 'a route name or a path', 'recoverPassword')
    .option('--max-requests <n>', 'request budget', String(PROBE_DEFAULTS.maxRequests))
    .option('--max-seconds <n>', 'time budget in seconds', String(PROBE_DEFAULTS.maxSeconds))
    .option(...GUARD_FLAGS.allowProduction, false)
    .option(...GUARD_FLAGS.allowDestructive, false)
    .option('--report-dir <dir>', 'where rate-limit-probe.json goes', join('reports', 'load'))
    .action(async (flags: ProbeFlags) => {
      const maxRequests = Math.floor(positive('--max-requests', flags.maxRequests));
      const maxSeconds = positive('--max-seconds', flags.maxSeconds);
      const targetFile = flags.target ?? (process.env.FACILIOO_TARGET || undefined);
      const started = Date.now();
      let runTarget = { name: 'embedded', baseUrl: '' };
      let baseUrl: string;
      let paths: Record<string, string> | undefined;
      let declaredStatus: RejectStatus | undefined;
      // A target that stops answering ends each request after its bound, never the probe.
      let timeoutMs: number | undefined;
      let close = async () => {};
      if (targetFile) {
        const target = loadTarget(targetFile, process.env);
        const guard = { allowProduction: flags.allowProduction, probe: true, command: 'probe' };
        refuseProduction(target, { ...guard, allowDestructive: flags.allowDestructive }, targetFile);
        await beforeRun(target, { ...guard, allowDestructive: true });
        baseUrl = target.baseUrl;
        paths = target.paths;
        declaredStatus = target.options.rateLimit?.rejectStatus;
        runTarget = { name: target.name, baseUrl };
        timeoutMs = target.options.requestTimeoutSeconds * 1000;
      } else {
        const { startReferenceApi } = await import('../reference-api/index.ts');
        const api = await startReferenceApi({ host: '127.0.0.1', port: 0, limits: EMBEDDED_LIMITS });
        baseUrl = api.baseUrl;
        runTarget = { name: 'embedded', baseUrl };
        close = () => api.close();
        const l = EMBEDDED_LIMITS;
        process.stderr.write(
          `probing the embedded reference API at ${baseUrl} (its limiter: ${l.algorithm}, ${l.permitLimit} per ${l.windowSeconds} s)\n`,
        );
      }
      try {
        const result = await runProbe({
          baseUrl,
          endpoint: flags.endpoint,
          ...(paths ? { paths } : {}),
          // A declared rejection status is the only one; else 429 or 503, whichever comes first.
          rejectStatuses: rejectStatusesFor(declaredStatus),
          maxRequests,
          maxSeconds,
          ...(timeoutMs === undefined ? {} : { timeoutMs }),
          ...(context?.probeTiming ? { timing: context.probeTiming } : {}),
          onObservation: (observation, index) => {
            process.stderr.write(
              `  #${index + 1} at ${(observation.t / 1000).toFixed(2)} s → ${observation.status || 'no answer'}\n`,
            );
          },
        });
        const file = resolve(flags.reportDir, 'rate-limit-probe.json');
        await writeFileAtomic(file, `${JSON.stringify(result, null, 2)}\n`);
        // The probe is a run of its own: its chart appears in its run's page, labelled, and nowhere else.
        const probe = toProbe(result);
        const gate = probeReport(probe, {
          target: runTarget,
          startedAt: new Date(started).toISOString(),
          durationMs: Date.now() - started,
        });
        const run = await writeRun(gate, {
          dir: reportsRootOf(resolve(flags.reportDir)),
          kind: 'probe',
          probe,
        });
        const r = result.rateLimit;
        process.stdout.write(
          `${[
            r.limit === null
              ? `no rate limit found on ${r.endpoint} within ${r.requestsSent} requests`
              : r.rejectStatus === null && r.queued > 0
                ? `${r.endpoint}: ${r.limit} requests per ${r.windowSeconds ?? '?'} s (${r.algorithm}); requests over it queued (answered late, not refused)`
                : `${r.endpoint}: ${r.limit} requests per ${r.windowSeconds ?? '?'} s (${r.algorithm}), refused with ${r.rejectStatus}, Retry-After ${r.retryAfterSeconds ?? 'not sent'}`,
            `${r.requestsSent} requests sent; ${relative(process.cwd(), file)}; report ${relative(process.cwd(), join(run.runDir, 'index.html'))}`,
          ].join('\n')}\n`,
        );
        setExitCode(r.limit === null ? 1 : 0);
      } finally {
        await close();
      }
    });
};
