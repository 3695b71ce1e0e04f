/**
 * The target file (spec, "Targets") that describes a running reference API, so any suite, or
 * a QA engineer, can point at it like at any other deployment. Passwords are inline: they are
 * the reference API's seeded test passwords, not secrets of a real environment.
 */
import type { AccountSlot } from '../roles.ts';
import {
  DEFAULT_CODE_PATTERN,
  DEFAULT_OPTIONS,
  DEFAULT_PATHS,
  DEFAULT_PROTECTED_PATH,
  type RouteName,
  type TargetFileJson,
  type TargetOptions,
} from '../target/types.ts';
import type { SeededAccount } from './accounts.ts';
import type { ServedReadings } from './options.ts';
import type { LimitsOptions } from './rate-limiter.ts';

/**
 * The target file the reference API writes: a `TargetFileJson` with every field filled in and
 * no `{ "env": ... }` references, so callers can read the passwords straight from it.
 */
export interface ReferenceTargetDocument extends TargetFileJson {
  name: string;
  baseUrl: string;
  jwt: { issuer: string; audience: string; publicKeys: string[] };
  accounts: Partial<Record<AccountSlot, { email: string; password: string }>>;
  mailbox: { kind: 'mailpit'; url: string; codePattern: string };
  protectedPath: string;
  paths: Record<RouteName, string>;
  options: TargetOptions;
  control: string | null;
}

export function buildTargetDocument(
  server: {
    baseUrl: string;
    mailboxUrl: string;
    controlUrl: string | undefined;
    issuer: string;
    audience: string;
    accounts: Record<AccountSlot, SeededAccount>;
    options: { readings: ServedReadings; leewaySeconds: number };
  },
  keyFiles: string[],
): ReferenceTargetDocument {
  const accounts: ReferenceTargetDocument['accounts'] = {};
  for (const [slot, account] of Object.entries(server.accounts) as [AccountSlot, SeededAccount][]) {
    accounts[slot] = { email: account.email, password: account.password };
  }
  return {
    name: 'reference',
    baseUrl: server.baseUrl,
    jwt: { issuer: server.issuer, audience: server.audience, publicKeys: [...keyFiles] },
    accounts,
    mailbox: { kind: 'mailpit', url: server.mailboxUrl, codePattern: DEFAULT_CODE_PATTERN },
    protectedPath: DEFAULT_PROTECTED_PATH,
    paths: { ...DEFAULT_PATHS },
    options: announcedOptions(server.options),
    control: server.controlUrl ?? null,
  };
}

/**
 * The target options that announce the readings this server takes, so a suite pointed at the
 * file speaks them. A server that accepts either form of a point announces the spec's default.
 */
/** What the reference API answers while recovery is blocked unless told otherwise. */
const SERVED_BLOCKED_STATUS = 423;

function announcedOptions({
  readings,
  leewaySeconds,
}: {
  readings: ServedReadings;
  leewaySeconds: number;
}): TargetOptions {
  return {
    ...DEFAULT_OPTIONS,
    refreshTokenIn: readings.refreshTokenIn ?? DEFAULT_OPTIONS.refreshTokenIn,
    refreshTokenShape: readings.refreshTokenShape,
    refreshTokenKey: readings.refreshTokenKey,
    recoveryCodeType: readings.recoveryCodeType ?? DEFAULT_OPTIONS.recoveryCodeType,
    wrongPasswordStatus: readings.wrongPasswordStatus,
    // Its own default (423) is announced as the spec's "any 4xx"; a status chosen with
    // --blocked-status is pinned, so contracts and checks require exactly it.
    blockedStatus: readings.blockedStatus === SERVED_BLOCKED_STATUS ? null : readings.blockedStatus,
    tokenLeewaySeconds: leewaySeconds,
  };
}

/**
 * What a target file says of this server's limiter, as QA would write it for staging: the
 * rejection status, the window (a token bucket's replenishment period), the permits and the
 * queue. The numbers are OPEN; declaring them lets a suite wait one window instead of blindly.
 */
export function declaredRateLimit(limits: LimitsOptions): NonNullable<TargetOptions['rateLimit']> {
  const bucket = limits.algorithm === 'token-bucket';
  return {
    rejectStatus: limits.rejectStatus,
    windowSeconds: bucket ? limits.replenishmentPeriodSeconds : limits.windowSeconds,
    permitLimit: limits.permitLimit,
    // 0 is the default: announced only when requests queue.
    ...(limits.queueLimit > 0 ? { queueLimit: limits.queueLimit } : {}),
  };
}
