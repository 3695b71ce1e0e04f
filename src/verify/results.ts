/**
 * The verifier's JSON report → one CheckResult per interaction, with a failure reason a person
 * can act on: which part of the response (status, header, body field) broke which pinned shape,
 * in words ("expected a JWT"), never the raw value — a wrong-shaped token is still a token.
 */
import { PATTERN_MEANINGS } from '../pact/matchers.ts';
import { redactText } from '../redact/index.ts';
import type { CheckResult } from '../report/types.ts';
import { checkId, describeState, type PactInteraction, type ProviderStateRef, ruleOf } from './pacts.ts';

/** `pactffi_verifier_json`, the parts read here. */
export interface VerifierReport {
  result?: boolean;
  errors?: { interaction?: string; mismatch?: VerifierMismatchGroup }[];
  pendingErrors?: { interaction?: string; mismatch?: VerifierMismatchGroup }[];
  interactionResults?: { description?: string; duration?: string; result?: string }[];
  output?: string[];
}

/** `type` is `mismatches` (with the list) or `error` (with a message). */
interface VerifierMismatchGroup {
  type?: string;
  message?: string;
  mismatches?: VerifierMismatch[];
}

export interface VerifierMismatch {
  type?: string;
  path?: string;
  key?: string;
  expected?: unknown;
  actual?: unknown;
  mismatch?: string;
}

/** What a state handler did, as the worker recorded it. */
export interface StateEvent {
  state: string;
  params: Record<string, unknown>;
  action: 'setup' | 'teardown';
  outcome: 'ok' | 'skipped' | 'failed';
  /** Redacted. */
  reason?: string;
  /** When the handler began (ms since the epoch, the worker's clock). */
  at?: number;
}

/** A value described without showing it: `a string of 36 characters`, `a number`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string')
    return value === '' ? 'an empty string' : `a string of ${value.length} characters`;
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
  return typeof value;
}

/** The verifier JSON-encodes `actual`/`expected` for body mismatches. */
function decoded(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** `Expected 'x' to match '<regex>'` → the regex, so its meaning can be shown instead. */
function patternIn(text: string): string | undefined {
  return /to match '(.*)'\s*$/s.exec(text)?.[1];
}

function meaningOf(pattern: string | undefined): string | undefined {
  if (!pattern) return undefined;
  return PATTERN_MEANINGS.get(pattern) ?? `a value matching /${pattern}/`;
}

/** One mismatch as a line: where, what was expected, what came instead (described, not quoted). */
export function formatMismatch(mismatch: VerifierMismatch): string {
  const text = mismatch.mismatch ?? '';
  switch (mismatch.type) {
    case 'StatusMismatch':
      return `status: expected ${String(mismatch.expected)}, got ${String(mismatch.actual)}`;
    case 'HeaderMismatch': {
      const header = mismatch.key ?? 'header';
      if (mismatch.actual === undefined || mismatch.actual === null || mismatch.actual === '') {
        return `header ${header}: missing`;
      }
      const expected = meaningOf(patternIn(text)) ?? JSON.stringify(String(mismatch.expected));
      return redactText(
        `header ${header}: expected ${expected}, got ${JSON.stringify(String(mismatch.actual))}`,
      );
    }
    case 'BodyTypeMismatch':
      return `body: expected ${String(mismatch.expected)}, got ${String(mismatch.actual) || 'no content type'}`;
    case 'BodyMismatch': {
      const where = `body ${mismatch.path ?? '$'}`;
      const actual = decoded(mismatch.actual);
      // Text that names keys but no values ("Actual map is missing the following keys: ...").
      if (/missing the following keys|Expected a body|Expected an empty body/i.test(text))
        return `${where}: ${text}`;
      const pattern = meaningOf(patternIn(text));
      if (pattern) return `${where}: expected ${pattern}, got ${describeValue(actual)}`;
      if (/same type/i.test(text)) {
        return `${where}: expected ${describeValue(decoded(mismatch.expected)).replace(/ of \d+ characters$/, '')}, got ${describeValue(actual)}`;
      }
      return `${where}: ${describeValue(actual)} does not match the pact`;
    }
    default:
      return redactText(text || `${mismatch.type ?? 'mismatch'}`);
  }
}

function formatGroup(group: VerifierMismatchGroup | undefined): string {
  if (!group) return 'failed (the verifier gave no details)';
  if (group.type === 'error') return redactText(group.message ?? 'the request could not be made');
  const mismatches = group.mismatches ?? [];
  if (mismatches.length === 0) return redactText(group.message ?? 'failed');
  return mismatches.map(formatMismatch).join('; ');
}

/** The verifier names an error `Verifying a pact between C and P Given X And Y - <description>`. */
function errorFor(report: VerifierReport, description: string) {
  const all = [...(report.errors ?? []), ...(report.pendingErrors ?? [])];
  return all.find(
    (error) => error.interaction?.endsWith(` - ${description}`) || error.interaction === description,
  );
}

function durationMs(text: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text ?? '');
  if (!match) return 0;
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1);
}

const sameState = (event: StateEvent, state: ProviderStateRef) =>
  event.state === state.name && JSON.stringify(event.params ?? {}) === JSON.stringify(state.params ?? {});

export interface ToChecksInput {
  /** Every interaction of the pact files, including skipped ones. */
  interactions: readonly PactInteraction[];
  /** Interactions not handed to the verifier, with the reason. */
  skipped: ReadonlyMap<PactInteraction, string>;
  report: VerifierReport | undefined;
  events: readonly StateEvent[];
  /** Why the verifier produced no report at all (it crashed, timed out). */
  crash?: string;
}

/**
 * One check per interaction. A state the handler skipped (the target lacks what it needs) makes
 * the interaction skipped whatever the verifier saw, since the request ran without its state.
 */
export function toChecks({ interactions, skipped, report, events, crash }: ToChecksInput): CheckResult[] {
  return interactions.map((interaction) => {
    const base = {
      layer: 'verification' as const,
      id: checkId(interaction),
      rule: ruleOf(interaction),
      kind: 'contract' as const,
    };
    const staticSkip = skipped.get(interaction);
    if (staticSkip !== undefined) return { ...base, status: 'skipped', durationMs: 0, reason: staticSkip };

    const setups = events.filter(
      (e) => e.action === 'setup' && interaction.states.some((s) => sameState(e, s)),
    );
    const skippedState = setups.find((e) => e.outcome === 'skipped');
    if (skippedState) {
      return {
        ...base,
        status: 'skipped',
        durationMs: 0,
        reason: `${skippedState.state}: ${skippedState.reason ?? 'the target cannot provide this state'}`,
      };
    }

    const result = report?.interactionResults?.find((r) => r.description === interaction.description);
    const duration = durationMs(result?.duration);
    // Every failure starts with the request, so a reader knows which call broke.
    const request = `${interaction.method} ${interaction.path}`;
    if (!result) {
      const why = crash ?? 'the verifier did not report this interaction';
      return { ...base, status: 'failed', durationMs: duration, reason: `${request}: ${why}` };
    }
    // A state that could not be set up fails its interaction even where the answer matched: the
    // request ran without its state (no code sent, recovery not blocked), so a match proves nothing.
    const failedState = setups.find((e) => e.outcome === 'failed');
    if (result.result === 'OK' && failedState) {
      return {
        ...base,
        status: 'failed',
        durationMs: duration,
        reason: `${request}: state "${describeState({ name: failedState.state, params: failedState.params })}" could not be set up: ${failedState.reason ?? 'unknown error'} — the answer matched the pact, but without its state that proves nothing`,
      };
    }
    if (result.result === 'OK') return { ...base, status: 'passed', durationMs: duration };

    const stateNote = failedState
      ? `state "${describeState({ name: failedState.state, params: failedState.params })}" could not be set up: ${failedState.reason ?? 'unknown error'} — then `
      : '';
    const missingHandler = interaction.states.filter((s) => !events.some((e) => sameState(e, s)));
    const handlerNote =
      missingHandler.length > 0 && events.length > 0
        ? ` (no state handler ran for ${missingHandler.map((s) => `"${s.name}"`).join(', ')})`
        : '';
    return {
      ...base,
      status: 'failed',
      durationMs: duration,
      reason: `${request}: ${stateNote}${formatGroup(errorFor(report ?? {}, interaction.description)?.mismatch)}${handlerNote}`,
    };
  });
}

/**
 * Teardowns that failed leave the target changed (a blocked account, a changed password):
 * reported as one check of their own, since every interaction may have passed.
 */
export function cleanupCheck(events: readonly StateEvent[], targetName: string): CheckResult {
  const failed = events.filter((e) => e.action === 'teardown' && e.outcome === 'failed');
  return {
    layer: 'verification',
    id: 'verification.target-left-as-found',
    rule: `verification leaves target "${targetName}" as it found it (recovery unblocked, passwords unchanged)`,
    kind: 'behaviour',
    status: failed.length === 0 ? 'passed' : 'failed',
    durationMs: 0,
    ...(failed.length > 0
      ? { reason: failed.map((e) => `after "${e.state}": ${e.reason ?? 'unknown error'}`).join('; ') }
      : {}),
  };
}
