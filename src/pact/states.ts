/**
 * Provider states: the one list both sides import. Consumer tests call `given(...state)`;
 * src/verify/state-handlers.ts registers a handler per name and reads the same parameters, so a
 * renamed state fails type-checking on both sides instead of silently finding no handler.
 *
 * A state names what must be true on the provider, never how: the handler creates it on the
 * target through its accounts and mailbox. Parameters say which account, instead of magic ids.
 * `provides` lists the values a handler returns for `fromProviderState('${name}', example)`;
 * `needs` lists what the target must have, so a state it cannot create is skipped with a reason.
 */
import type { AccountSlot } from '../roles.ts';
import type { Need } from '../target/requirements.ts';

/** Accounts a state may be asked for: every slot but the optional other-company one. */
export type StateAccount = Exclude<AccountSlot, 'otherCompanyPropertyManagementCompany'>;

export interface StateDefinition {
  /** The state as the pact file shows it, a sentence. */
  name: string;
  /** Values the setup returns, for `fromProviderState`. */
  provides: readonly string[];
  needs: (params: StateParams) => Need[];
  /** Setting it up locks an account, changes a password or bursts the rate limit (production guard). */
  destructive?: boolean;
}

export type StateParams = { account?: StateAccount };

const accountNeed = (params: StateParams): Need[] => (params.account ? [`account:${params.account}`] : []);

/** Every state, keyed by the id code uses. */
export const STATES = {
  registeredAccount: {
    name: 'a registered account',
    provides: ['email', 'password'],
    needs: accountNeed,
  },
  liveRefreshToken: {
    name: 'an account with a live refresh token',
    provides: ['refreshToken'],
    needs: accountNeed,
  },
  spentRefreshToken: {
    name: 'an account with a spent refresh token',
    provides: ['refreshToken'],
    needs: accountNeed,
  },
  liveAccessToken: {
    name: 'an account with a live access token',
    provides: ['accessToken'],
    needs: accountNeed,
  },
  expiredAccessToken: {
    // Needs control or a short enough token lifetime; the handler decides at run time.
    name: 'an account with an expired access token',
    provides: ['accessToken'],
    needs: accountNeed,
  },
  unknownAddress: {
    name: 'an address that belongs to no account',
    provides: ['email'],
    needs: () => [],
  },
  recoveryLimitUsedUp: {
    name: 'the password recovery limit is used up',
    provides: ['email'],
    destructive: true,
    needs: () => [],
  },
  recoveryCodeSent: {
    name: 'a recovery code was sent to the recovery account',
    provides: ['email', 'recoveryCode', 'wrongRecoveryCode', 'newPassword'],
    destructive: true,
    // The block/unblock and password restore after the state need the owner's company account.
    needs: () => ['account:recovery', 'account:propertyManagementCompany', 'mailbox'],
  },
  recoveryBlocked: {
    name: 'the recovery account is blocked after five wrong recovery codes',
    provides: ['email', 'recoveryCode', 'newPassword'],
    destructive: true,
    needs: () => ['account:recovery', 'account:propertyManagementCompany', 'mailbox'],
  },
} as const satisfies Record<string, StateDefinition>;

export type StateId = keyof typeof STATES;

/** `[name, params]`, ready to spread into `given(...)`. */
export type GivenArgs = [name: string, params: StateParams];

/** Parameters go into the pact file only when there are any, so the file stays readable. */
const given = (id: StateId, params: StateParams = {}): GivenArgs => [STATES[id].name, params];

/** Builders for `given(...state.xyz(...))` in consumer tests. */
export const state = {
  registeredAccount: (account: StateAccount) => given('registeredAccount', { account }),
  liveRefreshToken: (account: StateAccount) => given('liveRefreshToken', { account }),
  spentRefreshToken: (account: StateAccount) => given('spentRefreshToken', { account }),
  liveAccessToken: (account: StateAccount) => given('liveAccessToken', { account }),
  expiredAccessToken: (account: StateAccount) => given('expiredAccessToken', { account }),
  unknownAddress: () => given('unknownAddress'),
  recoveryLimitUsedUp: () => given('recoveryLimitUsedUp'),
  recoveryCodeSent: () => given('recoveryCodeSent'),
  recoveryBlocked: () => given('recoveryBlocked'),
};

const BY_NAME = new Map<string, StateId>(
  Object.entries(STATES).map(([id, def]) => [def.name, id as StateId]),
);

/** The state id for a name read from a pact file, or undefined for a state this suite never wrote. */
export function stateIdOf(name: string): StateId | undefined {
  return BY_NAME.get(name);
}
