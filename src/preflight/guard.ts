/**
 * The production guard every command that sends requests calls before its first request. A
 * production target (by name, host, or the target file's `production: true`) is refused unless
 * the user says --allow-production; even then, the checks that lock an account, change a
 * password or burst the rate limit are skipped unless --allow-destructive says so too, because
 * those are the ones that hurt real users.
 */
import { ConfigError } from '../errors.ts';
import { isProductionTarget, type Target } from '../target/index.ts';

export interface GuardOptions {
  /** The command, for the message: `gate`, `verify`, `scenarios`, `load`, `probe`. */
  command: string;
  allowProduction: boolean;
  allowDestructive: boolean;
  /** Where the target came from (file, `BASE_URL`), named in the refusal. */
  where?: string;
}

export interface GuardDecision {
  production: boolean;
  /** Set when destructive checks must be skipped: the reason each of them reports. */
  skipDestructive: string | undefined;
}

export const DESTRUCTIVE_SKIP =
  'destructive on a production target (locks an account, changes a password or bursts the rate limit): pass --allow-destructive as well to run it';

export function guardTarget(
  target: Pick<Target, 'name' | 'baseUrl' | 'production'>,
  options: GuardOptions,
): GuardDecision {
  const production = isProductionTarget(target);
  if (production && !options.allowProduction) {
    throw new ConfigError(
      `${options.command}: target "${target.name}" (${target.baseUrl}) is production; nothing was sent — pass --allow-production only if you really mean production (destructive checks then still need --allow-destructive)`,
      options.where ? { where: options.where } : {},
    );
  }
  return {
    production,
    skipDestructive: production && !options.allowDestructive ? DESTRUCTIVE_SKIP : undefined,
  };
}

/** The two flags, worded the same on every command. */
export const GUARD_FLAGS = {
  allowProduction: [
    '--allow-production',
    'allow a production target (name production/prod, host api.facilioo.de, or "production": true in the target file)',
  ],
  allowDestructive: [
    '--allow-destructive',
    'on a production target, also run the checks that lock an account, change a password or burst the rate limit',
  ],
} as const;
