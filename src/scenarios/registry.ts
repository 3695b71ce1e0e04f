/**
 * What a scenario check is: a stable id, the rule it checks in one sentence, whether the rule is
 * documented (`behaviour`) or best practice (`security`, a finding), and an async function that
 * throws when the rule is broken. Checks are plain values collected in `checks/index.ts`, so the
 * runner, the vitest wrappers and the CLI all see the same list.
 */
import type { DefectName } from '../reference-api/defects.ts';
import type { Severity } from '../report/types.ts';
import type { AccountSlot } from '../roles.ts';
import type { Need } from '../target/index.ts';
import type { CheckContext } from './context.ts';
import { RULES, type RuleId, type Source } from './rules.ts';

export type ScenarioKind = 'behaviour' | 'security';

/**
 * How the check and the others would get in each other's way, beyond sharing an account:
 * `clock` — it moves the server clock (with clock control it then runs alone);
 * `rateLimit` — it spends the recover-password budget on purpose (it runs alone, after the others);
 * `timing` — it measures response times, which other checks' load would blur (it runs alone).
 */
export type Disturbance = 'clock' | 'rateLimit' | 'timing';

export interface CheckDefinition {
  /** Stable, `<flow>.<rule-slug>`; reports and `--only` use it. */
  id: string;
  /** The rule, one line, as a sentence that is false when the check fails. */
  rule: string;
  kind: ScenarioKind;
  /** The rule of `rules.ts` this check enforces (one part of it). */
  enforces: RuleId;
  /** Where this check's reading of the rule comes from; defaults to the rule's source. */
  source?: Source;
  /**
   * Reference-API defects this check must fail against (the defect table runs exactly these);
   * a check that catches none is shown failing in test/scenarios/checks-fail.test.ts.
   */
  catches?: readonly DefectName[];
  /** Pact interactions that pin the same rule, as `<pact file>: <interaction description>`. */
  pacts?: readonly string[];
  /** Security checks: how bad a finding is. */
  severity?: Severity;
  /** Security checks: where the rule comes from, e.g. `RFC 9700 §4.14.2`. */
  references?: string[];
  /** What the target must have (accounts, mailbox, control, keys); otherwise skipped with a reason. */
  needs?: Need[];
  /** Accounts the check mutates or locks; checks sharing one run one after the other. */
  uses?: AccountSlot[];
  disturbs?: Disturbance[];
  /**
   * It locks an account, changes a password or bursts the rate limit: on a production target it
   * runs only with --allow-destructive, otherwise it is skipped with that reason. Default: true
   * for checks that use the recovery account or disturb the rate limit.
   */
  destructive?: boolean;
  run: (ctx: CheckContext) => Promise<void>;
}

export interface Check extends CheckDefinition {
  /** The flow (file) the check belongs to: the id's first segment. */
  flow: string;
  source: Source;
  catches: readonly DefectName[];
  pacts: readonly string[];
  needs: Need[];
  uses: AccountSlot[];
  disturbs: Disturbance[];
  destructive: boolean;
}

const ID = /^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*$/;

export function defineCheck(definition: CheckDefinition): Check {
  if (!ID.test(definition.id)) {
    throw new Error(`check id "${definition.id}" must look like <flow>.<rule-slug>, lower case`);
  }
  if (!Object.hasOwn(RULES, definition.enforces)) {
    throw new Error(
      `check ${definition.id} enforces "${definition.enforces}", which src/scenarios/rules.ts does not list`,
    );
  }
  if (definition.kind === 'security' && (!definition.severity || !definition.references?.length)) {
    throw new Error(`security check ${definition.id} needs a severity and at least one reference`);
  }
  return {
    ...definition,
    flow: definition.id.slice(0, definition.id.indexOf('.')),
    source: definition.source ?? defaultSource(definition),
    catches: definition.catches ?? [],
    pacts: definition.pacts ?? [],
    needs: definition.needs ?? [],
    uses: definition.uses ?? [],
    disturbs: definition.disturbs ?? [],
    // Whatever touches the recovery account (codes by mail, wrong guesses, password changes) or
    // spends the rate limit is destructive on production, whether or not the definition says so.
    destructive:
      definition.destructive ??
      ((definition.uses ?? []).includes('recovery') || (definition.disturbs ?? []).includes('rateLimit')),
  };
}

/** A behaviour check reads its rule's source; a security finding, the standard it cites first. */
function defaultSource(definition: CheckDefinition): Source {
  const first = definition.kind === 'security' ? definition.references?.[0] : undefined;
  if (first === undefined) return RULES[definition.enforces].source;
  if (first.startsWith('RFC')) return 'RFC';
  return first.includes('ASVS') ? 'ASVS' : 'OWASP';
}

/** Ends a check as skipped; thrown by `ctx.skip(reason)`. */
export class CheckSkipped extends Error {
  static {
    CheckSkipped.prototype.name = 'CheckSkipped';
  }
}

/** The rule was broken; the message says how (already redacted). */
export class CheckFailure extends Error {
  static {
    CheckFailure.prototype.name = 'CheckFailure';
  }
}
