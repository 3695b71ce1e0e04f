/**
 * Provider verification: the pacts the consumer tests wrote, replayed against a target. Each
 * interaction becomes one CheckResult (layer `verification`, kind `contract`); interactions
 * whose states need something the target lacks are skipped with that reason and never sent.
 * Writes reports/verification/summary.json and the redacted verifier output, verifier.log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuthClient, clientOptionsFor, MemoryTokenStore, TransportError } from '../client/index.ts';
import { ConfigError } from '../errors.ts';
import { PACT_DIR, PROVIDER } from '../pact/pact-files.ts';
import { ensurePactFitsTarget } from '../pact/readings-metadata.ts';
import { redactText, registerSecret } from '../redact/index.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import { renderJUnit } from '../report/junit.ts';
import type { CheckResult, LayerReport } from '../report/types.ts';
import type { Target } from '../target/index.ts';
import type { BrokerConfig } from './broker.ts';
import type { VerificationEvent } from './live.ts';
import { listPactFiles, type PactInteraction, readPactFile, skipReason, writeFilteredPact } from './pacts.ts';
import { cleanupCheck, type StateEvent, toChecks, type VerifierReport } from './results.ts';
import { openVerificationSession, type VerificationSession } from './session.ts';
import type { WorkerInput, WorkerOutput } from './worker.ts';

/** Under the working directory, like every layer's reports. */
export const DEFAULT_REPORT_DIR = join('reports', 'verification');

export interface VerifyPactsOptions {
  target: Target;
  /** Folder of pact files; default reports/pacts. Ignored when `pactUrls` is given. */
  pactDir?: string;
  /** Pact files to verify instead of a folder. */
  pactUrls?: string[];
  /** Verify the broker's pacts for this provider and publish results (see broker.ts). */
  broker?: BrokerConfig & { providerVersion: string; branch?: string; publish: boolean };
  logLevel?: WorkerInput['logLevel'];
  /** Where summary.json, junit.xml and verifier.log go; default reports/verification. */
  reportDir?: string;
  /** Receives the verifier's output, redacted, once it has finished. */
  onOutput?: (text: string) => void;
  /** Bound on the whole run; the verifier is stopped after it. Default: verificationDeadlineMs. */
  timeoutMs?: number;
  /** A worker kept across runs (openVerificationSession); without one, a worker is started and stopped. */
  session?: VerificationSession;
  /** Set by the production guard: interactions whose states are destructive are skipped with this reason. */
  skipDestructive?: string | undefined;
  /** Hears each replayed interaction and each wait of a state handler as it happens (see live.ts). */
  onProgress?: (event: VerificationEvent) => void;
}

export interface VerifyPactsResult {
  checks: CheckResult[];
  report: LayerReport;
  summaryFile: string;
  logFile: string;
  /** False when a contract or cleanup check failed. */
  ok: boolean;
  /** What the state handlers did, in order. */
  events: StateEvent[];
}

export async function verifyPacts(options: VerifyPactsOptions): Promise<VerifyPactsResult> {
  const started = Date.now();
  const { target } = options;
  const reportDir = options.reportDir ?? DEFAULT_REPORT_DIR;
  const fromBroker =
    options.broker !== undefined && options.pactUrls === undefined && options.pactDir === undefined;

  const interactions: PactInteraction[] = [];
  const skipped = new Map<PactInteraction, string>();
  const scratch = await mkdtemp(join(tmpdir(), 'facilioo-auth-pacts-'));
  try {
    const pactUrls: string[] = [];
    if (!fromBroker) {
      const pactDir = options.pactDir ?? PACT_DIR;
      const files = options.pactUrls ?? (await listPactFiles(pactDir));
      if (files.length === 0) {
        throw new ConfigError('no pact files to verify', {
          where: pactDir,
          hint: 'write them with `npx vitest run --project contracts` (`facilioo-auth verify` does this itself when reports/pacts is empty)',
        });
      }
      const pacts = await Promise.all(files.map((file) => readPactFile(file)));
      // Before any request: a pact for other readings would fail for the pact's sake, not the target's.
      for (const pact of pacts) ensurePactFitsTarget(pact.json, pact.path, target);
      for (const pact of pacts) {
        const runnable: PactInteraction[] = [];
        for (const interaction of pact.interactions) {
          interactions.push(interaction);
          const reason = skipReason(target, interaction, options.skipDestructive);
          if (reason) skipped.set(interaction, reason);
          else runnable.push(interaction);
        }
        if (runnable.length > 0) pactUrls.push(await writeFilteredPact(pact, runnable, scratch));
      }
    }

    let output: WorkerOutput = { report: undefined, events: [], secrets: [] };
    let log = '';
    // A target that does not answer at all would make the verifier wait out its timeout once per
    // interaction; one probe first turns that into one named failure per interaction, at once.
    const unreachable = fromBroker || pactUrls.length === 0 ? undefined : await preflight(target);
    if (unreachable !== undefined) {
      output.crash = `not sent, because ${unreachable}`;
    } else if (fromBroker || pactUrls.length > 0) {
      const stateBudgetMs = stateDeadlineMs(target);
      const runnable = interactions.length - skipped.size;
      const timeoutMs = options.timeoutMs ?? verificationDeadlineMs(target, fromBroker ? 50 : runnable);
      const input: WorkerInput = {
        target,
        provider: PROVIDER,
        pactUrls,
        logLevel: options.logLevel ?? 'warn',
        stateDeadlineMs: stateBudgetMs,
        // The verifier's own bound on a request or a state change: past the state's deadline.
        requestTimeoutMs: stateBudgetMs + 5_000,
      };
      if (options.broker) {
        const { providerVersion, branch, publish, url, token, username, password } = options.broker;
        input.broker = { url, providerVersion, publish, ...(branch ? { branch } : {}) };
        if (token) input.broker.token = token;
        if (username) input.broker.username = username;
        if (password) input.broker.password = password;
      }
      const session = options.session ?? openVerificationSession();
      try {
        ({ output, log } = await session.run(input, timeoutMs, options.onProgress));
      } finally {
        if (!options.session) await session.close();
      }
    }

    // Values only the child saw: what its handlers created, and what the target answered.
    for (const value of output.secrets) registerSecret(value);
    for (const value of mismatchValues(output.report)) registerSecret(value);
    const redactedLog = redactText(log);

    if (fromBroker) {
      for (const result of output.report?.interactionResults ?? []) {
        interactions.push(brokerInteraction(result.description ?? '?'));
      }
    }
    const checks = toChecks({
      interactions,
      skipped,
      report: output.report,
      events: output.events,
      ...(output.crash ? { crash: output.crash } : {}),
    });
    if (output.events.some((event) => event.action === 'teardown'))
      checks.push(cleanupCheck(output.events, target.name));

    const report: LayerReport = {
      layer: 'verification',
      target: { name: target.name, baseUrl: target.baseUrl },
      startedAt: new Date(started).toISOString(),
      durationMs: Date.now() - started,
      checks,
    };
    const summaryFile = resolve(reportDir, 'summary.json');
    const logFile = resolve(reportDir, 'verifier.log');
    await writeFileAtomic(summaryFile, `${JSON.stringify(report, null, 2)}\n`);
    await writeFileAtomic(resolve(reportDir, 'junit.xml'), renderJUnit(report, { strictSecurity: false }));
    await writeFileAtomic(logFile, redactedLog);
    options.onOutput?.(redactedLog);
    return {
      checks,
      report,
      summaryFile,
      logFile,
      ok: !checks.some((check) => check.status === 'failed' && check.kind !== 'security'),
      events: output.events,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * How long one state's setup or teardown may take: it may wait out a token's lifetime or a
 * rate-limit window, twice, and make a few requests of its own. Past it, the state fails.
 */
export function stateDeadlineMs(target: Target): number {
  return (2 * target.options.maxWaitSeconds + 3 * target.options.requestTimeoutSeconds) * 1000;
}

/**
 * The bound on a whole verification: per interaction, two states set up and torn down and the
 * request itself, each within its own deadline; plus a minute to start the verifier.
 */
export function verificationDeadlineMs(target: Target, interactions: number): number {
  const perInteraction = 4 * stateDeadlineMs(target) + target.options.requestTimeoutSeconds * 1000;
  return Math.max(1, interactions) * perInteraction + 60_000;
}

/**
 * Body values the target answered where the pact expected another shape: possibly tokens, which
 * the Pact core printed. Short values are left alone: masking them would garble the log.
 */
function mismatchValues(report: VerifierReport | undefined): string[] {
  const values: string[] = [];
  for (const error of [...(report?.errors ?? []), ...(report?.pendingErrors ?? [])]) {
    for (const mismatch of error.mismatch?.mismatches ?? []) {
      if (mismatch.type !== 'BodyMismatch' || typeof mismatch.actual !== 'string') continue;
      values.push(mismatch.actual);
      try {
        const parsed = JSON.parse(mismatch.actual) as unknown;
        if (typeof parsed === 'string' || typeof parsed === 'number') values.push(String(parsed));
      } catch {
        // Not JSON-encoded: the raw string is the value.
      }
    }
  }
  return values.filter((value) => value.length >= 8);
}

/** Broker pacts are not read here; what the verifier names is all there is. */
function brokerInteraction(description: string): PactInteraction {
  return {
    file: 'broker',
    description,
    states: [],
    method: '',
    path: '/broker',
    expects: 'as the pact says',
    raw: {},
  };
}

/**
 * Whether the target answers HTTP at all: an unauthenticated GET of the protected path, whose
 * answer (any status, any body) is ignored. Undefined when it answered; otherwise why not.
 */
async function preflight(target: Target): Promise<string | undefined> {
  const client = new AuthClient({
    baseUrl: target.baseUrl,
    tokenStore: new MemoryTokenStore(),
    options: clientOptionsFor(target),
  });
  try {
    await client.request('GET', target.protectedPath);
    return undefined;
  } catch (error) {
    if (error instanceof TransportError && error.kind !== 'malformed-response') {
      return `the target did not answer a first GET ${target.protectedPath}: ${error.message}`;
    }
    return undefined;
  } finally {
    await client.close();
  }
}
