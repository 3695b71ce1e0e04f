/**
 * The one way a suite says "this check cannot run against this target". A check that needs an
 * account, a mailbox or clock control the target lacks is reported as skipped with a reason,
 * never as passed (spec, "Targets").
 *
 * Idiom (vitest 3.2 test context):
 *
 * ```ts
 * test('a property management company cannot unblock another company’s account', async (ctx) => {
 *   const reason = missing(target, 'account:otherCompanyPropertyManagementCompany', 'control');
 *   if (reason) ctx.skip(reason);
 *   // ...the check
 * });
 * ```
 *
 * `ctx.skip(note)` throws (it returns `never`), so nothing after it runs, and the note shows as
 * the skipped test's reason; keep it outside any try/catch, which would swallow the skip.
 * Never write `ctx.skip(missing(...))`: `ctx.skip(undefined)` skips too. The two-argument form
 * `ctx.skip(reason !== undefined, reason)` is equivalent to the idiom above.
 */
import { ACCOUNT_SLOTS, type AccountSlot } from '../roles.ts';
import type { Target } from './types.ts';

export type Need =
  | `account:${AccountSlot}`
  | 'mailbox'
  | 'control'
  | 'publicKeys'
  | 'jwt.issuer'
  | 'jwt.audience';

/** The target-file field each need refers to, as a user would look for it. */
function fieldOf(need: Need): string {
  if (need.startsWith('account:')) return `accounts.${need.slice('account:'.length)}`;
  if (need === 'publicKeys') return 'jwt.publicKeys';
  return need;
}

function has(target: Target, need: Need): boolean {
  if (need.startsWith('account:')) {
    const slot = need.slice('account:'.length) as AccountSlot;
    if (!ACCOUNT_SLOTS.includes(slot)) throw new TypeError(`missing(): unknown account slot "${slot}"`);
    return target.accounts[slot] !== undefined;
  }
  switch (need) {
    case 'mailbox':
      return target.mailbox !== undefined;
    case 'control':
      return target.control !== undefined;
    case 'publicKeys':
      return target.jwt.publicKeys.length > 0;
    case 'jwt.issuer':
      return target.jwt.issuer !== undefined;
    case 'jwt.audience':
      return target.jwt.audience !== undefined;
  }
  throw new TypeError(`missing(): unknown need "${need}"`);
}

/**
 * Why a check needing `needs` cannot run against `target`, e.g.
 * `target "staging" (targets/staging.json) has no accounts.otherCompanyPropertyManagementCompany`,
 * or undefined when the target has everything.
 */
export function missing(target: Target, ...needs: Need[]): string | undefined {
  const absent = needs.filter((need) => !has(target, need)).map(fieldOf);
  if (absent.length === 0) return undefined;
  return `target "${target.name}" (${target.source}) has no ${absent.join(', ')}`;
}
