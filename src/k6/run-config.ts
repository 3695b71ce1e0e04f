/**
 * What a k6 run receives: the resolved target (base URL, paths, readings, the accounts for this
 * run, the rate-limit reading) and the run's settings, as one JSON file the script opens in its
 * init context. The target format is parsed here, once, by `src/target/`; the k6 side only reads
 * this document, so no second parser of the target format exists under `load/`.
 *
 * The file holds passwords: it is written with mode 0600 to a folder the run removes afterwards.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../errors.ts';
import { isProductionTarget } from '../target/production.ts';
import type { Credentials, Target } from '../target/types.ts';
import { type LoadRunConfig, POOL_SLOTS, RUN_CONFIG_VERSION } from './run-document.ts';

export type { LoadRunConfig } from './run-document.ts';

export interface RunSettings {
  profile: string;
  timeScale: number;
  rateScale: number;
  reportDir: string;
  allowProduction: boolean;
  probe: LoadRunConfig['probe'];
  /** A pool from `--accounts`; else the target's accounts except `recovery`. */
  accounts?: Credentials[] | undefined;
}

export function buildRunConfig(target: Target, settings: RunSettings): LoadRunConfig {
  const accounts =
    settings.accounts ??
    POOL_SLOTS.flatMap((slot) => {
      const account = target.accounts[slot];
      return account ? [{ email: account.email, password: account.password }] : [];
    });
  return {
    version: RUN_CONFIG_VERSION,
    target: {
      name: target.name,
      baseUrl: target.baseUrl.replace(/\/+$/, ''),
      paths: { ...target.paths },
      protectedPath: target.protectedPath,
      refreshTokenIn: target.options.refreshTokenIn,
      refreshTokenShape: target.options.refreshTokenShape,
      refreshTokenKey: target.options.refreshTokenKey,
      production: isProductionTarget(target),
      rejectStatus: target.options.rateLimit?.rejectStatus ?? null,
    },
    accounts,
    run: {
      profile: settings.profile,
      timeScale: settings.timeScale,
      rateScale: settings.rateScale,
      reportDir: settings.reportDir,
      allowProduction: settings.allowProduction,
    },
    probe: settings.probe,
  };
}

/** A load account pool file: `[{ "email", "password" }]` or `{ "accounts": [...] }`. */
export function readAccountsFile(file: string): Credentials[] {
  const fail = (message: string, field?: string): never => {
    throw new ConfigError(message, {
      where: file,
      ...(field ? { field } : {}),
      hint: 'write a JSON list of { "email": "…", "password": "…" } (serve --write-load-accounts writes one)',
    });
  };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return fail(`cannot read the account pool: ${(error as Error).message}`);
  }
  const list =
    json !== null && typeof json === 'object' && !Array.isArray(json)
      ? (json as { accounts?: unknown }).accounts
      : json;
  if (!Array.isArray(list)) return fail('is not a list of accounts');
  return list.map((item, i) => {
    const entry = item as Partial<Credentials> | null;
    if (typeof entry?.email !== 'string' || entry.email === '') fail('has no e-mail', `[${i}].email`);
    if (typeof entry?.password !== 'string' || entry.password === '')
      fail('has no password', `[${i}].password`);
    return { email: entry?.email as string, password: entry?.password as string };
  });
}

export async function writeRunConfig(file: string, config: LoadRunConfig): Promise<void> {
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}
