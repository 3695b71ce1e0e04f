/**
 * Defects a real server could have, injected into the reference API by name. Each one breaks
 * exactly one rule, so a suite that claims to check that rule must fail against it. The names
 * are a public API: later suites assert that every one of them is caught.
 */
import { ConfigError } from '../errors.ts';
import { type DefectEntry, defect } from './defect-entry.ts';
import { RECOVERY_DEFECTS } from './defects-recovery.ts';
import { TOKEN_DEFECTS } from './defects-tokens.ts';

export type { DefectKind } from './defect-entry.ts';

const LIST = [
  ...TOKEN_DEFECTS,
  ...RECOVERY_DEFECTS,
  // Response shapes
  defect(
    'access-token-renamed',
    'shape',
    'login and refresh name the access token "access_token"',
    'DOC: the response field is accessToken',
  ),
  defect(
    'access-token-missing',
    'shape',
    'login and refresh answer without an access token',
    'DOC: the response carries accessToken',
  ),
  defect(
    'refresh-token-renamed',
    'shape',
    'login and refresh name the refresh token "refresh_token"',
    'DOC: the response field is refreshToken',
  ),
  defect(
    'refresh-token-not-string',
    'shape',
    'login and refresh answer the refresh token as a number',
    'DOC: the refresh token is a JWT (a string, or an object carrying one)',
  ),
  defect(
    'access-token-not-jwt',
    'shape',
    'access tokens are opaque strings instead of JWTs',
    'DOC: access tokens are JWTs',
  ),
  defect(
    'sub-as-string',
    'shape',
    'the sub claim is a string instead of the documented object',
    'DOC: sub is {"accountId": n, "companyId": n}',
  ),
  defect(
    'problem-json-missing',
    'shape',
    'errors are plain text instead of application/problem+json (the status stays right)',
    'RFC 9457: errors are problem details',
  ),
  defect(
    'problem-status-mismatch',
    'behaviour',
    'problem details carry a status other than the HTTP status',
    'RFC 9457 §3.1.2: the status member matches the response status',
  ),
  defect(
    'error-stack-trace',
    'security',
    'a refused login answers with a stack trace in the problem detail',
    'OWASP ASVS 4.0.3 V7.4.1: errors reveal no stack trace or internals',
  ),
  // Load: what only shows under sustained traffic (the k6 profiles' thresholds catch these;
  // refresh-race above is the rotation fork under concurrency that their fork check catches).
  defect(
    'errors-under-load',
    'load',
    'one request in 20 to the API answers 500, as a server shedding load does',
    'load profiles: under the release load fewer than 1 % of requests fail',
  ),
  defect(
    'latency-grows-with-load',
    'load',
    'every request waits 50 ms more than the one before it (up to 5 s): latency grows with the load served',
    'load profiles: p95/p99 latency per endpoint stays within its budget under the release load',
  ),
] as const satisfies readonly DefectEntry[];

export type DefectName = (typeof LIST)[number]['name'];

export interface Defect extends DefectEntry {
  name: DefectName;
}

/** Every defect, in the order `facilioo-auth defects` lists them. */
export const DEFECTS: readonly Defect[] = LIST;

export type LoadDefectName = Extract<DefectName, 'errors-under-load' | 'latency-grows-with-load'>;
/** The defects a load run must catch, and the scenario suite leaves to it. */
export const LOAD_DEFECT_NAMES = LIST.filter((d) => d.kind === 'load').map(
  (d) => d.name,
) as readonly LoadDefectName[];

export const DEFECT_NAMES: readonly DefectName[] = LIST.map((d) => d.name);

export function isDefectName(name: string): name is DefectName {
  return (DEFECT_NAMES as readonly string[]).includes(name);
}

/** Checks names from a flag, a file or a request; `where` says which, for the error message. */
export function parseDefectNames(names: readonly unknown[], where: string): DefectName[] {
  const parsed: DefectName[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || !isDefectName(name)) {
      throw new ConfigError(`unknown defect ${JSON.stringify(name)}`, {
        where,
        hint: `use one of: ${DEFECT_NAMES.join(', ')} (\`facilioo-auth defects\` describes them)`,
      });
    }
    if (!parsed.includes(name)) parsed.push(name);
  }
  return parsed;
}

/** The defects switched on in one app; mutable at run time through the control API. */
export class DefectSet {
  #active = new Set<DefectName>();

  constructor(initial: readonly DefectName[] = []) {
    this.set(initial);
  }

  has(name: DefectName): boolean {
    return this.#active.has(name);
  }

  set(names: readonly DefectName[]): void {
    this.#active = new Set(names);
  }

  list(): DefectName[] {
    return DEFECT_NAMES.filter((name) => this.#active.has(name));
  }
}
