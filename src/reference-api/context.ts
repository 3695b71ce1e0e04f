/**
 * The reference API's state, shared by its route modules. `reset()` returns everything but the
 * keys and the active defects to the seeded state, which is what `POST /_control/reset` does.
 */
import { AccountStore, type SeededAccounts, seedAccounts } from './accounts.ts';
import { type Clock, isControllable } from './clock.ts';
import { DefectSet } from './defects.ts';
import type { KeyRing } from './keys.ts';
import type { ResolvedOptions } from './options.ts';
import { Outbox } from './outbox.ts';
import { PartitionedLimiter } from './rate-limit-gate.ts';
import { RecoveryBook } from './recovery.ts';
import { TokenService } from './tokens.ts';

/** Names the stats count requests under: the target file's route names plus the probe endpoint. */
export type CountedRoute =
  | 'login'
  | 'refresh'
  | 'recoverPassword'
  | 'changePasswordWithRecoveryCode'
  | 'unblockRecoveryCode'
  | 'myself';

export const COUNTED_ROUTES: readonly CountedRoute[] = [
  'login',
  'refresh',
  'recoverPassword',
  'changePasswordWithRecoveryCode',
  'unblockRecoveryCode',
  'myself',
];

export class ApiContext {
  readonly clock: Clock;
  readonly defects: DefectSet;
  readonly seeded: SeededAccounts;
  readonly tokens: TokenService;
  readonly recovery: RecoveryBook;
  readonly outbox = new Outbox();
  readonly limiter: PartitionedLimiter;
  accounts: AccountStore;
  stats: Record<CountedRoute, number>;

  constructor(
    readonly options: ResolvedOptions,
    readonly keys: KeyRing,
  ) {
    this.clock = options.clock;
    this.defects = new DefectSet(options.defects);
    this.seeded = seedAccounts(options.seed, options.loadAccounts);
    this.accounts = this.#freshAccounts();
    this.stats = zeroStats();
    this.tokens = new TokenService(keys, this.clock, this.defects, () => this.accounts, {
      issuer: options.issuer,
      audience: options.audience,
      accessTokenSeconds: options.accessTokenSeconds,
      refreshTokenSeconds: options.refreshTokenSeconds,
      leewaySeconds: options.leewaySeconds,
    });
    this.recovery = new RecoveryBook(this.clock, this.defects, options.recoveryCodeSeconds * 1000);
    this.limiter = new PartitionedLimiter(options.limits, this.clock);
  }

  reset(): void {
    if (isControllable(this.clock)) this.clock.reset();
    this.accounts = this.#freshAccounts();
    this.tokens.reset();
    this.recovery.reset();
    this.outbox.clear();
    this.limiter.reset();
    this.stats = zeroStats();
  }

  #freshAccounts(): AccountStore {
    return new AccountStore([...Object.values(this.seeded.slots), ...this.seeded.load]);
  }
}

function zeroStats(): Record<CountedRoute, number> {
  return Object.fromEntries(COUNTED_ROUTES.map((route) => [route, 0])) as Record<CountedRoute, number>;
}
