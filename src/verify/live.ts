/**
 * What verification shows while it runs. The Pact verifier reports only once, at the end; a
 * person watching needs a line as each interaction is answered. pact-js's verifier replays every
 * request through its own proxy, whose `requestFilter` middleware sees each request and its
 * response; the interaction it belongs to is found from the pact files the run verifies — by the
 * provider states the state handlers were just asked for, then method and path. The final pass or
 * fail still comes from the verifier's report: these lines say what was answered, not whether it
 * matched.
 */
import { redactText } from '../redact/index.ts';
import { parseWaitLine } from '../target/ops/waits.ts';
import { type PactInteraction, routeOf } from './pacts.ts';

/** One replayed request answered by the target. */
export interface Replayed {
  kind: 'replayed';
  /** Interactions answered so far, this one included, and how many the run replays (unknown for broker pacts). */
  done: number;
  of: number | undefined;
  /** Undefined when no interaction of the pacts matches (broker pacts are not read here). */
  description: string | undefined;
  method: string;
  /** Without the query: a query may carry a token. */
  path: string;
  status: number;
  durationMs: number;
}

/** A state handler began a wait: what for, and until when at the latest (ms since the epoch). */
export interface WaitStarted {
  kind: 'wait';
  what: string;
  untilMs: number;
  /** False for an upper bound (a mailbox poll), which is worth a line only if the run goes quiet. */
  definite: boolean;
}

export type VerificationEvent = Replayed | WaitStarted;

const MAX_DESCRIPTION = 60;

/** `verification: 3/11 login · "a login with a wrong password" → 400 in 35 ms`, redacted. */
export function replayLine(event: Replayed): string {
  const described =
    event.description === undefined
      ? `${event.method} ${event.path}`
      : `${routeOf(event.path)} · "${
          event.description.length > MAX_DESCRIPTION
            ? `${event.description.slice(0, MAX_DESCRIPTION - 1)}…`
            : event.description
        }"`;
  return redactText(
    `verification: ${event.done}${event.of === undefined ? '' : `/${event.of}`} ${described} → ${event.status} in ${Math.round(event.durationMs)} ms`,
  );
}

/** The wait a state handler's trace line starts, or undefined for any other line. */
export function waitStarted(line: string, now = Date.now()): WaitStarted | undefined {
  const wait = parseWaitLine(line);
  if (!wait) return undefined;
  return { kind: 'wait', what: wait.what, untilMs: now + wait.seconds * 1000, definite: !wait.upTo };
}

/**
 * Matches replayed requests to the interactions of the pacts. The verifier sets up an
 * interaction's states, then sends its request: so the states set up since the last request
 * name the interaction, and method and path pick it among those.
 */
export class ReplayTracker {
  readonly #pending: PactInteraction[];
  readonly #of: number;
  #done = 0;
  #states: string[] = [];

  constructor(interactions: readonly PactInteraction[], of = interactions.length) {
    this.#pending = [...interactions];
    this.#of = of;
  }

  /** The verifier asked for this state's setup (teardowns name no interaction). */
  stateSetUp(name: string): void {
    this.#states.push(name);
  }

  replayed(method: string, url: string, status: number, durationMs: number): Replayed {
    const path = url.split('?')[0] ?? url;
    const sameStates = (interaction: PactInteraction) =>
      interaction.states.length === this.#states.length &&
      interaction.states.every((state) => this.#states.includes(state.name));
    const sameRequest = (interaction: PactInteraction) =>
      interaction.method === method.toUpperCase() && interaction.path === path;
    const exact = this.#pending.findIndex((i) => sameRequest(i) && sameStates(i));
    // States with other names (or none recorded): the request alone decides.
    const index = exact >= 0 ? exact : this.#pending.findIndex(sameRequest);
    const found = index >= 0 ? this.#pending.splice(index, 1)[0] : undefined;
    this.#states = [];
    this.#done += 1;
    return {
      kind: 'replayed',
      done: this.#done,
      // No pact files read (broker pacts): the count is all there is.
      of: this.#of > 0 ? Math.max(this.#of, this.#done) : undefined,
      description: found?.description,
      method: method.toUpperCase(),
      // Redacted where the secrets are known: the worker registered what its states handed out.
      path: redactText(path),
      status,
      durationMs,
    };
  }
}

/** The parts of express's request and response the filter reads. */
interface FilterRequest {
  method: string;
  originalUrl?: string;
  url: string;
}
interface FilterResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

/**
 * The verifier's `requestFilter`: express middleware run for every request its proxy receives —
 * state changes (under `stateSetupPath`) included, which are passed on untouched.
 */
export function replayFilter(
  stateSetupPath: string,
  onAnswered: (method: string, url: string, status: number, durationMs: number) => void,
  beforeReplay: () => Promise<void> = async () => {},
) {
  return (request: FilterRequest, response: FilterResponse, next: () => void): void => {
    const url = request.originalUrl ?? request.url;
    if (url.startsWith(stateSetupPath)) {
      next();
      return;
    }
    // A failure here is the state's: the request still goes, and its answer shows what happened.
    void beforeReplay()
      .catch(() => {})
      .then(() => {
        const started = performance.now();
        response.once('finish', () =>
          onAnswered(request.method, url, response.statusCode, performance.now() - started),
        );
        next();
      });
  };
}
