/**
 * The verifier runs in this child process because the Pact core prints every mismatch — actual
 * response values included, tokens among them — straight to file descriptor 1, where no
 * JavaScript can redact it. The parent captures this process's output, redacts it with the
 * secrets reported back here, and keeps it as reports/verification/verifier.log.
 *
 * Protocol (session.ts): the parent starts worker-entry.ts and sends WorkerRequests over IPC;
 * for each, the worker verifies, writes an end marker to stdout and answers a WorkerResponse.
 * The state handlers run here, next to the verifier's state-change proxy.
 */
import { Verifier, type VerifierOptions } from '@pact-foundation/pact';
import { redactText } from '../redact/index.ts';
import type { Target } from '../target/index.ts';
import { ReplayTracker, replayFilter, type VerificationEvent, waitStarted } from './live.ts';
import { type PactInteraction, readPactFile } from './pacts.ts';
import type { StateEvent, VerifierReport } from './results.ts';
import { createStateHandlers } from './state-handlers.ts';

/** Where pact-js's proxy takes state changes (Verifier's private `stateSetupPath`). */
const STATE_SETUP_PATH = '/_pactSetup';

export interface WorkerInput {
  target: Target;
  provider: string;
  /** Pact files (or pact URLs) to verify; empty when pacts come from the broker. */
  pactUrls: string[];
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** Longest the verifier waits for a response or a state change. */
  requestTimeoutMs: number;
  /** Longest one state's setup or teardown may take before it fails. */
  stateDeadlineMs: number;
  /** Verify the broker's pacts and publish the results. */
  broker?: {
    url: string;
    token?: string;
    username?: string;
    password?: string;
    providerVersion: string;
    branch?: string;
    publish: boolean;
  };
}

export interface WorkerOutput {
  report: VerifierReport | undefined;
  /** Why there is no report, redacted. */
  crash?: string;
  events: StateEvent[];
  /** Values to redact from this process's output. Sent over the IPC channel only. */
  secrets: string[];
}

export interface WorkerRequest {
  id: number;
  input: WorkerInput;
}

export interface WorkerResponse {
  id: number;
  output: WorkerOutput;
}

/** Sent while a run goes on, as each event happens. */
export interface WorkerProgress {
  id: number;
  event: VerificationEvent;
}

/** Written to stdout after a run, so the parent knows the run's output is complete. */
export const endMarker = (id: number) => `\n@@facilioo-auth verification ${id} done@@\n`;

export async function runWorker(
  input: WorkerInput,
  onEvent: (event: VerificationEvent) => void = () => {},
): Promise<WorkerOutput> {
  const secrets: string[] = [];
  const handlers = createStateHandlers(input.target, {
    onSecret: (value) => secrets.push(value),
    deadlineMs: input.stateDeadlineMs,
    trace: (line) => {
      const wait = waitStarted(line);
      if (wait) onEvent(wait);
    },
  });
  const tracker = new ReplayTracker(await interactionsOf(input.pactUrls));
  const stateHandlers: typeof handlers.stateHandlers = {};
  for (const [name, handler] of Object.entries(handlers.stateHandlers)) {
    stateHandlers[name] = {
      ...handler,
      setup: (params) => {
        tracker.stateSetUp(name);
        return handler.setup(params);
      },
    };
  }
  const options: VerifierOptions = {
    provider: input.provider,
    providerBaseUrl: input.target.baseUrl,
    // VerifierOptions intersects HTTP and message state handler types, which no value satisfies.
    stateHandlers: stateHandlers as unknown as VerifierOptions['stateHandlers'],
    beforeEach: handlers.beforeEach,
    requestFilter: replayFilter(
      STATE_SETUP_PATH,
      (method, url, status, durationMs) => onEvent(tracker.replayed(method, url, status, durationMs)),
      handlers.beforeReplay,
    ) as unknown as VerifierOptions['requestFilter'],
    logLevel: input.logLevel,
    timeout: input.requestTimeoutMs,
    failIfNoPactsFound: true,
  };
  if (input.pactUrls.length > 0) options.pactUrls = input.pactUrls;
  if (input.broker) {
    const { broker } = input;
    if (input.pactUrls.length === 0) {
      options.pactBrokerUrl = broker.url;
      options.consumerVersionSelectors = [
        { mainBranch: true },
        { deployedOrReleased: true },
        { matchingBranch: true },
      ];
      options.enablePending = true;
    }
    if (broker.token) options.pactBrokerToken = broker.token;
    if (broker.username) options.pactBrokerUsername = broker.username;
    if (broker.password) options.pactBrokerPassword = broker.password;
    options.providerVersion = broker.providerVersion;
    if (broker.branch) options.providerVersionBranch = broker.branch;
    options.publishVerificationResult = broker.publish;
  }

  let report: VerifierReport | undefined;
  let crash: string | undefined;
  try {
    report = parseReport(await new Verifier(options).verifyProvider());
  } catch (error) {
    // A failed verification rejects with the JSON report as the message.
    const message = error instanceof Error ? error.message : String(error);
    report = parseReport(message);
    if (!report) crash = redactText(`the verifier stopped: ${message}`);
  } finally {
    await handlers.close();
  }
  return { report, ...(crash ? { crash } : {}), events: handlers.events, secrets };
}

/** The interactions of the pact files, in order; none for broker pacts or a file that will not read. */
async function interactionsOf(pactUrls: readonly string[]): Promise<PactInteraction[]> {
  const files = await Promise.all(
    pactUrls.map((url) => (/^https?:/.test(url) ? undefined : readPactFile(url).catch(() => undefined))),
  );
  return files.flatMap((file) => file?.interactions ?? []);
}

function parseReport(text: unknown): VerifierReport | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as VerifierReport) : undefined;
  } catch {
    return undefined;
  }
}
