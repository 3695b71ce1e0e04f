/**
 * Party types as facilioo's `AccountRole` enum numbers them (developer hub, "Parties and
 * Accounts"), and the account slots a target file names. One module so that the reference API,
 * the target loader and the suites cannot drift apart.
 */
export const AccountRole = {
  Admin: 1,
  PropertyManagementCompany: 2,
  PoolManager: 3,
  Contractor: 5,
  User: 7,
  EnergyProvider: 10,
  Guest: 11,
  InsuranceBroker: 13,
  Insurer: 14,
  Mediator: 15,
} as const;
export type AccountRoleName = keyof typeof AccountRole;
export type AccountRoleNumber = (typeof AccountRole)[AccountRoleName];

/** The account slots of a target file (spec, "Targets"). */
export const ACCOUNT_SLOTS = [
  'admin',
  'propertyManagementCompany',
  'contractor',
  'user',
  'recovery',
  'otherCompanyPropertyManagementCompany',
] as const;
export type AccountSlot = (typeof ACCOUNT_SLOTS)[number];

/** Slots a target may leave out; a check that needs one is skipped with a reason. */
export const OPTIONAL_ACCOUNT_SLOTS: readonly AccountSlot[] = ['otherCompanyPropertyManagementCompany'];

/** Party types that may unblock a recovery code (DOC). */
export const UNBLOCKING_ROLES: readonly AccountRoleName[] = ['Admin', 'PropertyManagementCompany'];
