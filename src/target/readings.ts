/**
 * The readings of the OPEN points a target announces that change what goes over the wire. The
 * consumer contracts are written for one set of readings (the contracts project reads it from
 * FACILIOO_CONTRACT_READINGS) and the pacts carry it in their metadata, so verification refuses
 * a pact written for another target with one line instead of failing interaction by interaction.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import type { Env } from './load.ts';
import {
  DEFAULT_OPTIONS,
  DEFAULT_PATHS,
  DEFAULT_PROTECTED_PATH,
  type RouteName,
  type Target,
  type TargetOptions,
} from './types.ts';

export type Readings = Pick<
  TargetOptions,
  | 'refreshTokenIn'
  | 'refreshTokenShape'
  | 'refreshTokenKey'
  | 'recoveryCodeType'
  | 'wrongPasswordStatus'
  | 'blockedStatus'
> &
  Pick<Target, 'paths' | 'protectedPath'>;

/** The environment variable the contracts project reads its readings from (JSON of `Readings`). */
export const CONTRACT_READINGS_ENV = 'FACILIOO_CONTRACT_READINGS';
/** Where in a pact file's metadata the readings are kept. */
export const READINGS_METADATA_KEY = 'faciliooAuthReadings';

export const DEFAULT_READINGS: Readonly<Readings> = readingsOf({
  options: DEFAULT_OPTIONS,
  paths: DEFAULT_PATHS,
  protectedPath: DEFAULT_PROTECTED_PATH,
});

/** A target's readings, in a fixed key order. */
export function readingsOf(target: Pick<Target, 'options' | 'paths' | 'protectedPath'>): Readings {
  const { options } = target;
  return {
    refreshTokenIn: options.refreshTokenIn,
    refreshTokenShape: options.refreshTokenShape,
    refreshTokenKey: options.refreshTokenKey,
    recoveryCodeType: options.recoveryCodeType,
    wrongPasswordStatus: options.wrongPasswordStatus,
    blockedStatus: options.blockedStatus,
    paths: { ...DEFAULT_PATHS, ...target.paths },
    protectedPath: target.protectedPath,
  };
}

const path = z.string().regex(/^\/(?!\/)/);
const ReadingsSchema = z.strictObject({
  refreshTokenIn: z.enum(['body', 'bearer']),
  refreshTokenShape: z.enum(['string', 'object']),
  // Pacts written before the option existed carry none: they pinned "token".
  refreshTokenKey: z.string().min(1).default(DEFAULT_OPTIONS.refreshTokenKey),
  recoveryCodeType: z.enum(['string', 'number']),
  wrongPasswordStatus: z.union([z.literal(400), z.literal(401)]),
  blockedStatus: z.number().int().min(400).max(499).nullable(),
  paths: z.strictObject(
    Object.fromEntries(Object.keys(DEFAULT_PATHS).map((route) => [route, path])) as Record<
      RouteName,
      typeof path
    >,
  ),
  protectedPath: path,
});

/** Readings as JSON (the env variable, pact metadata); a ConfigError naming `where` when they are not. */
export function parseReadings(value: unknown, where: string): Readings {
  const parsed = ReadingsSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`not a set of readings: ${issue.path.join('.') || '(top)'} ${issue.message}`, {
      where,
      hint: 'write the contracts again for the target (facilioo-auth gate --target FILE)',
    });
  }
  return readingsOf({ options: { ...DEFAULT_OPTIONS, ...parsed.data }, ...parsed.data });
}

/** The readings the contracts project writes for: FACILIOO_CONTRACT_READINGS, else the defaults. */
export function contractReadings(env: Env): Readings {
  const text = env[CONTRACT_READINGS_ENV];
  if (text === undefined || text === '') return DEFAULT_READINGS;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError('is not JSON', {
      where: CONTRACT_READINGS_ENV,
      hint: 'set it to the JSON readingsOf(target) gives, or unset it for the defaults',
    });
  }
  return parseReadings(json, CONTRACT_READINGS_ENV);
}

/**
 * `field "a" (target: "b")` for each reading where a pact written for `written` does not fit a
 * target reading `wanted`; empty when it fits. Statuses the pact accepts as any 4xx fit every
 * target: the wrong-password status always (the pact holds only its example), the blocked status
 * when the pact was written without one pinned.
 */
export function readingDifferences(written: Readings, wanted: Readings): string[] {
  const differences: string[] = [];
  const compare = (field: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b))
      differences.push(`${field} ${JSON.stringify(a)} (target: ${JSON.stringify(b)})`);
  };
  for (const key of ['refreshTokenIn', 'refreshTokenShape', 'recoveryCodeType'] as const)
    compare(key, written[key], wanted[key]);
  if (written.refreshTokenShape === 'object')
    compare('refreshTokenKey', written.refreshTokenKey, wanted.refreshTokenKey);
  if (written.blockedStatus !== null) compare('blockedStatus', written.blockedStatus, wanted.blockedStatus);
  for (const route of Object.keys(DEFAULT_PATHS) as RouteName[])
    compare(`paths.${route}`, written.paths[route], wanted.paths[route]);
  compare('protectedPath', written.protectedPath, wanted.protectedPath);
  return differences;
}
