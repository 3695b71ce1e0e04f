/**
 * Options of the reference API, their defaults, and the one place they are checked. Bad values
 * raise a ConfigError naming the option, so `serve` flags and programmatic callers get the same
 * message.
 */
import { ConfigError } from '../errors.ts';
import { DEFAULT_PATHS, type RouteName } from '../target/types.ts';
import { DEFAULT_LOAD_ACCOUNTS, DEFAULT_SEED } from './accounts.ts';
import { type Clock, ControllableClock } from './clock.ts';
import { type DefectName, parseDefectNames } from './defects.ts';
import type { ReferenceKeyPair } from './keys.ts';
import {
  DEFAULT_LIMITS,
  LIMITER_ALGORITHMS,
  type LimitsInput,
  type LimitsOptions,
  RETRY_AFTER_MODES,
  type RetryAfterMode,
} from './rate-limiter.ts';

export interface ReferenceApiOptions {
  /** Default: a ControllableClock (real time plus an offset the control API moves). */
  clock?: Clock;
  /** Default: one RSA-2048 pair generated at createApp. Pass keys to skip key generation. */
  keys?: readonly ReferenceKeyPair[];
  /** Which of `keys` signs; all of them verify (rotation). Default 0. */
  signingKeyIndex?: number;
  issuer?: string;
  audience?: string;
  accessTokenSeconds?: number;
  refreshTokenSeconds?: number;
  /** Clock skew allowed on nbf/exp. Default 0. */
  leewaySeconds?: number;
  /** How long a recovery code is valid. Default 3600. */
  recoveryCodeSeconds?: number;
  limits?: LimitsInput;
  defects?: readonly DefectName[];
  /** Serve the control API under /_control. Default false. */
  control?: boolean;
  /** faker seed for the accounts. */
  seed?: number;
  /** Extra `User` accounts for load runs (`load-001@load.facilioo.test`, ...). Default 20. */
  loadAccounts?: number;
  /** Largest accepted request body. Default 64 KiB. */
  bodyLimitBytes?: number;
  // The readings of the spec's OPEN points (docs/spec.md, "Readings"), one option each.
  /** Where refresh takes the token. Unset: body or Bearer; set: only that one, the other is a 400. */
  refreshTokenIn?: 'body' | 'bearer';
  /** How login and refresh answer the refresh token: a string, or `{ <refreshTokenKey>: … }`. Default string. */
  refreshTokenShape?: 'string' | 'object';
  /** The member an object-shaped refresh token is carried under. Default `token`. */
  refreshTokenKey?: string;
  /** The recovery code's JSON type. Unset: either; set: only that one, the other is a 400. */
  recoveryCodeType?: 'string' | 'number';
  /** The status of a login with a wrong e-mail or password: 401 (default) or 400. */
  wrongPasswordStatus?: 401 | 400;
  /** The status of a change-password attempt while recovery is blocked. Any 4xx; default 423. */
  blockedStatus?: number;
  /** How many key pairs to generate when `keys` is not given. Default 1. */
  keyCount?: number;
  /** How the public keys are published: PKCS#1 (as facilioo does), SPKI, or alternating. */
  publicKeyFormat?: PublicKeyFormat;
}

export const PUBLIC_KEY_FORMATS = ['pkcs1', 'spki', 'mixed'] as const;
export type PublicKeyFormat = (typeof PUBLIC_KEY_FORMATS)[number];

/** The readings with every choice made; `undefined` means "accepts either". */
export interface ServedReadings {
  refreshTokenIn: 'body' | 'bearer' | undefined;
  refreshTokenShape: 'string' | 'object';
  refreshTokenKey: string;
  recoveryCodeType: 'string' | 'number' | undefined;
  wrongPasswordStatus: 401 | 400;
  blockedStatus: number;
  publicKeyFormat: PublicKeyFormat;
}

export interface ResolvedOptions {
  clock: Clock;
  keys: readonly ReferenceKeyPair[] | undefined;
  signingKeyIndex: number;
  issuer: string;
  audience: string;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  leewaySeconds: number;
  recoveryCodeSeconds: number;
  limits: LimitsOptions;
  defects: DefectName[];
  control: boolean;
  seed: number;
  loadAccounts: number;
  bodyLimitBytes: number;
  keyCount: number;
  readings: ServedReadings;
}

export const DEFAULT_ISSUER = 'ref-api.facilioo.test';
export const DEFAULT_AUDIENCE = 'ref-app.facilioo.test';
export const DEFAULT_ACCESS_TOKEN_SECONDS = 3600;
export const DEFAULT_REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;

const WHERE = 'reference API options';

export function resolveOptions(options: ReferenceApiOptions = {}): ResolvedOptions {
  // An explicitly undefined field means "the default", as it does for the top-level options.
  const givenLimits = Object.entries(options.limits ?? {}).filter(([, value]) => value !== undefined);
  const limits = { ...DEFAULT_LIMITS, ...Object.fromEntries(givenLimits) } as LimitsInput & LimitsOptions;
  if (options.keys?.length === 0) throw invalid('keys', 'is empty', 'pass at least one key pair, or none');
  const resolved: ResolvedOptions = {
    clock: options.clock ?? new ControllableClock(),
    keys: options.keys,
    signingKeyIndex: integer(
      'signingKeyIndex',
      options.signingKeyIndex ?? 0,
      0,
      (options.keys?.length ?? options.keyCount ?? 1) - 1,
    ),
    issuer: hostName('issuer', options.issuer ?? DEFAULT_ISSUER),
    audience: hostName('audience', options.audience ?? DEFAULT_AUDIENCE),
    accessTokenSeconds: integer(
      'accessTokenSeconds',
      options.accessTokenSeconds ?? DEFAULT_ACCESS_TOKEN_SECONDS,
      1,
    ),
    refreshTokenSeconds: integer(
      'refreshTokenSeconds',
      options.refreshTokenSeconds ?? DEFAULT_REFRESH_TOKEN_SECONDS,
      1,
    ),
    leewaySeconds: integer('leewaySeconds', options.leewaySeconds ?? 0, 0),
    recoveryCodeSeconds: integer('recoveryCodeSeconds', options.recoveryCodeSeconds ?? 3600, 1),
    limits: {
      algorithm: oneOf('limits.algorithm', limits.algorithm, LIMITER_ALGORITHMS),
      permitLimit: integer('limits.permitLimit', limits.permitLimit, 1),
      windowSeconds: positive('limits.windowSeconds', limits.windowSeconds),
      segmentsPerWindow: integer('limits.segmentsPerWindow', limits.segmentsPerWindow, 1),
      tokensPerPeriod: integer('limits.tokensPerPeriod', limits.tokensPerPeriod, 1),
      replenishmentPeriodSeconds: positive(
        'limits.replenishmentPeriodSeconds',
        limits.replenishmentPeriodSeconds,
      ),
      partitionBy: oneOf('limits.partitionBy', limits.partitionBy, ['ip', 'global'] as const),
      rejectStatus: oneOf('limits.rejectStatus', limits.rejectStatus, [429, 503] as const),
      rejectBody: Boolean(limits.rejectBody),
      retryAfter: retryAfterMode(limits.retryAfter),
      replenishmentTimerMs: integer('limits.replenishmentTimerMs', limits.replenishmentTimerMs, 0, 1000),
      queueLimit: integer('limits.queueLimit', limits.queueLimit, 0, 10_000),
      routes: limits.routes.map((route, i) =>
        oneOf(`limits.routes[${i}]`, route, Object.keys(DEFAULT_PATHS) as RouteName[]),
      ),
    },
    defects: parseDefectNames(options.defects ?? [], `${WHERE}: defects`),
    control: options.control ?? false,
    seed: integer('seed', options.seed ?? DEFAULT_SEED, 0),
    loadAccounts: integer('loadAccounts', options.loadAccounts ?? DEFAULT_LOAD_ACCOUNTS, 0, 999),
    bodyLimitBytes: integer('bodyLimitBytes', options.bodyLimitBytes ?? 64 * 1024, 1024),
    keyCount: integer('keyCount', options.keys?.length ?? options.keyCount ?? 1, 1, 16),
    readings: resolveReadings(options),
  };
  return resolved;
}

function memberName(field: string, value: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(value))
    throw invalid(
      field,
      `must be a JSON member name, got "${value}"`,
      `set ${field} to a name such as "token" or "value"`,
    );
  return value;
}

function resolveReadings(options: ReferenceApiOptions): ServedReadings {
  const optional = <const T extends string>(field: string, value: T | undefined, allowed: readonly T[]) =>
    value === undefined ? undefined : oneOf(field, value, allowed);
  return {
    refreshTokenIn: optional('refreshTokenIn', options.refreshTokenIn, ['body', 'bearer']),
    refreshTokenShape: oneOf('refreshTokenShape', options.refreshTokenShape ?? 'string', [
      'string',
      'object',
    ]),
    refreshTokenKey: memberName('refreshTokenKey', options.refreshTokenKey ?? 'token'),
    recoveryCodeType: optional('recoveryCodeType', options.recoveryCodeType, ['string', 'number']),
    wrongPasswordStatus: oneOf('wrongPasswordStatus', options.wrongPasswordStatus ?? 401, [
      401, 400,
    ] as const),
    blockedStatus: integer('blockedStatus', options.blockedStatus ?? 423, 400, 499),
    publicKeyFormat: oneOf('publicKeyFormat', options.publicKeyFormat ?? 'pkcs1', PUBLIC_KEY_FORMATS),
  };
}

function retryAfterMode(value: RetryAfterMode | boolean | undefined): RetryAfterMode {
  if (value === true || value === undefined) return 'exact';
  if (value === false) return 'none';
  return oneOf('limits.retryAfter', value, RETRY_AFTER_MODES);
}

function invalid(field: string, problem: string, hint: string): ConfigError {
  return new ConfigError(problem, { where: WHERE, field, hint });
}

function integer(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(
      field,
      `must be an integer from ${min} to ${max}, got ${String(value)}`,
      `set ${field} to a whole number in range`,
    );
  }
  return value;
}

function positive(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalid(
      field,
      `must be a positive number, got ${String(value)}`,
      `set ${field} to a number above 0`,
    );
  }
  return value;
}

function oneOf<const T extends string | number>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw invalid(
      field,
      `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
      `pick one of ${allowed.join(', ')}`,
    );
  }
  return value as T;
}

function hostName(field: string, value: string): string {
  // DOC: iss and aud are bare host names (dev-api.facilioo.de), not URLs.
  if (typeof value !== 'string' || !/^[A-Za-z0-9.-]+$/.test(value)) {
    throw invalid(
      field,
      `must be a bare host name like ${DEFAULT_ISSUER}, got ${JSON.stringify(value)}`,
      'drop the scheme and path',
    );
  }
  return value;
}
