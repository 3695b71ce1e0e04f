/**
 * Flag values the CLI turns into numbers and choices: a wrong one is a configuration error that
 * names the flag and says what it takes (exit 2).
 */
import { ConfigError } from '../errors.ts';

export function integer(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const parsed = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`${JSON.stringify(value)} is not a whole number from ${min} to ${max}`, {
      where: flag,
      hint: `pass a whole number from ${min} to ${max}`,
    });
  }
  return parsed;
}

export function positive(flag: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
    throw new ConfigError(`${JSON.stringify(value)} is not a positive number`, {
      where: flag,
      hint: 'pass a number above 0, e.g. 60',
    });
  }
  return parsed;
}

export function oneOf<const T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${JSON.stringify(value)} is not a valid value`, {
      where: flag,
      hint: `use one of: ${allowed.join(', ')}`,
    });
  }
  return value as T;
}
