/**
 * Pact files as the verifier needs them: which interactions there are, what each one's states
 * need from the target (so one that cannot run is skipped with a reason instead of failing for
 * a missing account), and a copy of the file holding only the interactions that will run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ConfigError } from '../errors.ts';
import { isObject } from '../json.ts';
import { listPactFiles } from '../pact/pact-files.ts';
import { STATES, type StateDefinition, type StateParams, stateIdOf } from '../pact/states.ts';
import { missing, type Need, type Target } from '../target/index.ts';

export interface ProviderStateRef {
  name: string;
  params: Record<string, unknown>;
}

export interface PactInteraction {
  /** The pact file it comes from. */
  file: string;
  description: string;
  states: ProviderStateRef[];
  method: string;
  path: string;
  /** What the pact expects back, as a short phrase: `4xx, JSON body`, `200 {accessToken, refreshToken}`. */
  expects: string;
  /** The raw interaction, to write filtered copies. */
  raw: Record<string, unknown>;
}

export interface PactFile {
  path: string;
  consumer: string;
  provider: string;
  json: Record<string, unknown>;
  interactions: PactInteraction[];
}

export { listPactFiles };

export async function readPactFile(path: string): Promise<PactFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`not a readable pact file: ${(error as Error).message}`, {
      where: path,
      hint: 'write the pacts again with `npx vitest run --project contracts`',
    });
  }
  if (!isObject(json) || !Array.isArray(json.interactions)) {
    throw new ConfigError('not a pact file (no "interactions" array)', {
      where: path,
      hint: 'point --pacts at the folder the contracts write (reports/pacts)',
    });
  }
  const name = (party: unknown) => (isObject(party) && typeof party.name === 'string' ? party.name : '?');
  return {
    path,
    consumer: name(json.consumer),
    provider: name(json.provider),
    json,
    interactions: json.interactions.filter(isObject).map((raw) => toInteraction(path, raw)),
  };
}

function toInteraction(file: string, raw: Record<string, unknown>): PactInteraction {
  const request = isObject(raw.request) ? raw.request : {};
  const response = isObject(raw.response) ? raw.response : {};
  const states = (Array.isArray(raw.providerStates) ? raw.providerStates : [])
    .filter(isObject)
    .map((state) => ({
      name: String(state.name ?? ''),
      params: isObject(state.params) ? state.params : {},
    }));
  return {
    file,
    description: String(raw.description ?? ''),
    states,
    method: String(request.method ?? 'GET').toUpperCase(),
    path: String(request.path ?? '/'),
    expects: describeResponse(response),
    raw,
  };
}

const STATUS_CLASSES: Record<string, string> = {
  information: '1xx',
  success: '2xx',
  redirect: '3xx',
  clientError: '4xx',
  serverError: '5xx',
  nonError: 'a non-error status',
  error: '4xx or 5xx',
};

/** The status the pact accepts: exact, a class (`4xx`), or a list (`429 or 503`). */
export function expectedStatus(response: Record<string, unknown>): string {
  const rules = isObject(response.matchingRules) ? response.matchingRules : {};
  const status = isObject(rules.status) ? rules.status : {};
  for (const rule of Object.values(status)) {
    const matchers = isObject(rule) && Array.isArray(rule.matchers) ? rule.matchers : [];
    for (const matcher of matchers) {
      if (!isObject(matcher) || matcher.match !== 'statusCode') continue;
      if (typeof matcher.status === 'string') return STATUS_CLASSES[matcher.status] ?? matcher.status;
      if (Array.isArray(matcher.status)) return matcher.status.join(' or ');
    }
  }
  return String(response.status ?? '200');
}

function describeResponse(response: Record<string, unknown>): string {
  const body = isObject(response.body) ? response.body.content : undefined;
  const parts = [expectedStatus(response)];
  if (isObject(body)) {
    const keys = Object.keys(body);
    parts.push(keys.length > 0 ? `{${keys.join(', ')}}` : 'a JSON object');
  }
  const headers = isObject(response.headers) ? Object.keys(response.headers) : [];
  const named = headers.filter((header) => header.toLowerCase() !== 'content-type');
  if (named.length > 0) parts.push(`with ${named.join(', ')}`);
  return parts.join(' ');
}

/** The route part of the id: the last path segment, `myself` for `/api/accounts/myself`. */
export function routeOf(path: string): string {
  return (
    path
      .split('/')
      .filter(Boolean)
      .at(-1)
      ?.replace(/[^a-z0-9-]/gi, '') || 'root'
  );
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Stable check id: `refresh.a-refresh-with-the-spent-token`. */
export function checkId(interaction: PactInteraction): string {
  return `${routeOf(interaction.path)}.${slug(interaction.description)}`;
}

/** The rule the check states, one line: what is sent, in which state, what must come back. */
export function ruleOf(interaction: PactInteraction): string {
  const given =
    interaction.states.length > 0 ? `, given ${interaction.states.map(describeState).join(' and ')}` : '';
  return `${interaction.method} ${interaction.path}: ${interaction.description}${given} is answered ${interaction.expects}`;
}

export function describeState(state: ProviderStateRef): string {
  const params = Object.entries(state.params);
  return params.length > 0
    ? `${state.name} (${params.map(([k, v]) => `${k}: ${String(v)}`).join(', ')})`
    : state.name;
}

/** Why the target cannot provide the interaction's states, or undefined when it can. */
export function skipReason(
  target: Target,
  interaction: PactInteraction,
  skipDestructive?: string,
): string | undefined {
  const needs = new Set<Need>();
  for (const state of interaction.states) {
    const id = stateIdOf(state.name);
    if (!id) continue; // No handler: the verifier reports it; nothing is known to be missing.
    const definition: StateDefinition = STATES[id];
    if (skipDestructive && definition.destructive) return skipDestructive;
    for (const need of STATES[id].needs(state.params as StateParams)) needs.add(need);
  }
  return needs.size > 0 ? missing(target, ...needs) : undefined;
}

/** Writes `file` holding only `keep`, into `dir`; returns the path. */
export async function writeFilteredPact(
  file: PactFile,
  keep: readonly PactInteraction[],
  dir: string,
): Promise<string> {
  const path = join(dir, basename(file.path));
  const raws = new Set(keep.map((interaction) => interaction.raw));
  const json = {
    ...file.json,
    interactions: file.interactions.filter((i) => raws.has(i.raw)).map((i) => i.raw),
  };
  await writeFile(path, `${JSON.stringify(json, null, 2)}\n`);
  return path;
}
