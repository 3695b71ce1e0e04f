/**
 * Seeded accounts: one per slot a target file names, plus a pool of `User` accounts for load
 * runs. Names and passwords come from faker seeded with `seed`, so the same seed always gives the
 * same accounts; every address is under `.test` (RFC 2606), so no mail can ever leave.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { base, en, Faker } from '@faker-js/faker';
import { ACCOUNT_SLOTS, type AccountRoleName, type AccountSlot } from '../roles.ts';

export interface SeededAccount {
  email: string;
  password: string;
  accountId: number;
  companyId: number;
  role: AccountRoleName;
  firstName: string;
  lastName: string;
}

export const DEFAULT_SEED = 20_240_505;
export const DEFAULT_LOAD_ACCOUNTS = 20;

const COMPANY = { facilioo: 1, pmc: 2, contractor: 3, otherPmc: 4 } as const;

const SLOT_LAYOUT: Record<AccountSlot, { role: AccountRoleName; companyId: number; domain: string }> = {
  admin: { role: 'Admin', companyId: COMPANY.facilioo, domain: 'admin.facilioo.test' },
  propertyManagementCompany: {
    role: 'PropertyManagementCompany',
    companyId: COMPANY.pmc,
    domain: 'pmc-2.facilioo.test',
  },
  contractor: { role: 'Contractor', companyId: COMPANY.contractor, domain: 'contractor-3.facilioo.test' },
  // A User party usually belongs to a property management company (HUB, "Parties and Accounts").
  user: { role: 'User', companyId: COMPANY.pmc, domain: 'users.pmc-2.facilioo.test' },
  // The spec: the recovery account belongs to the company of the propertyManagementCompany slot.
  recovery: { role: 'User', companyId: COMPANY.pmc, domain: 'users.pmc-2.facilioo.test' },
  otherCompanyPropertyManagementCompany: {
    role: 'PropertyManagementCompany',
    companyId: COMPANY.otherPmc,
    domain: 'pmc-4.facilioo.test',
  },
};

export interface SeededAccounts {
  slots: Record<AccountSlot, SeededAccount>;
  load: SeededAccount[];
}

export function seedAccounts(seed: number, loadAccounts: number): SeededAccounts {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(seed);
  let nextId = 1;
  const person = (
    role: AccountRoleName,
    companyId: number,
    email: (first: string, last: string) => string,
  ) => {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    return {
      accountId: nextId++,
      companyId,
      role,
      firstName,
      lastName,
      email: email(firstName, lastName),
      password: faker.internet.password({ length: 20 }),
    };
  };
  const slots = {} as Record<AccountSlot, SeededAccount>;
  for (const slot of ACCOUNT_SLOTS) {
    const { role, companyId, domain } = SLOT_LAYOUT[slot];
    // The slot name keeps addresses unique even when faker repeats a name.
    slots[slot] = person(
      role,
      companyId,
      (first, last) => `${slug(first)}.${slug(last)}.${slot.toLowerCase()}@${domain}`,
    );
  }
  const load = Array.from({ length: loadAccounts }, (_, i) =>
    person('User', COMPANY.pmc, () => `load-${String(i + 1).padStart(3, '0')}@load.facilioo.test`),
  );
  return { slots, load };
}

function slug(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

export interface AccountRecord {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  companyId: number;
  role: AccountRoleName;
}

/**
 * Accounts and their password hashes. A real server uses a slow KDF; this one uses a salted
 * HMAC because the benchmark measures token issuing against the RS256 ceiling, and a KDF would
 * dominate it. Comparison is constant-time, and unknown addresses cost the same as known ones.
 */
export class AccountStore {
  readonly #byEmail = new Map<string, AccountRecord>();
  readonly #byId = new Map<number, AccountRecord>();
  readonly #hashes = new Map<number, Buffer>();
  /** Replaced hashes that still log in: only the `old-password-still-works` defect keeps them. */
  readonly #kept = new Map<number, Buffer[]>();
  readonly #pepper = randomBytes(32);
  readonly #dummyHash: Buffer;

  constructor(accounts: readonly SeededAccount[]) {
    this.#dummyHash = this.#hash(0, randomBytes(16).toString('hex'));
    for (const account of accounts) {
      const record: AccountRecord = {
        id: account.accountId,
        email: account.email,
        firstName: account.firstName,
        lastName: account.lastName,
        companyId: account.companyId,
        role: account.role,
      };
      this.#byEmail.set(normalizeEmail(account.email), record);
      this.#byId.set(record.id, record);
      this.#hashes.set(record.id, this.#hash(record.id, account.password));
    }
  }

  byEmail(email: string): AccountRecord | undefined {
    return this.#byEmail.get(normalizeEmail(email));
  }

  byId(id: number): AccountRecord | undefined {
    return this.#byId.get(id);
  }

  /** The account if the password matches; the same work either way. */
  authenticate(email: string, password: string): AccountRecord | undefined {
    const account = this.byEmail(email);
    const expected = account ? this.#hashes.get(account.id)! : this.#dummyHash;
    const actual = this.#hash(account?.id ?? 0, password);
    const kept = account ? (this.#kept.get(account.id) ?? []) : [];
    const matches = [expected, ...kept].some((hash) => timingSafeEqual(hash, actual));
    return matches && account ? account : undefined;
  }

  setPassword(id: number, password: string, { keepOld = false } = {}): void {
    const old = this.#hashes.get(id);
    if (keepOld && old) this.#kept.set(id, [...(this.#kept.get(id) ?? []), old]);
    else this.#kept.delete(id);
    this.#hashes.set(id, this.#hash(id, password));
  }

  #hash(id: number, password: string): Buffer {
    return createHmac('sha256', this.#pepper).update(`${id}\u0000${password}`).digest();
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
