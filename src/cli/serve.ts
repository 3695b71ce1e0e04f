/**
 * `facilioo-auth serve`: runs the embedded reference API until SIGINT/SIGTERM, prints where it
 * listens, and with `--write-target FILE` writes a target file (and its public key files) that
 * any suite or a QA engineer can point at.
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { ConfigError } from '../errors.ts';
import { parseDefectNames } from '../reference-api/defects.ts';
import { type RunningReferenceApi, type StartOptions, startReferenceApi } from '../reference-api/index.ts';
import { PUBLIC_KEY_FORMATS } from '../reference-api/options.ts';
import { LIMITER_ALGORITHMS, type LimitsInput, RETRY_AFTER_MODES } from '../reference-api/rate-limiter.ts';
import { declaredRateLimit } from '../reference-api/target-document.ts';
import { writeFileAtomic } from '../report/atomic.ts';
import { DEFAULT_PATHS, type RouteName } from '../target/types.ts';
import { integer, oneOf, positive } from './flags.ts';
import type { RegisterCommand } from './main.ts';

export interface ServeFlags {
  port: string;
  host: string;
  control?: boolean;
  defect: string[];
  writeTarget?: string;
  writeLoadAccounts?: string;
  accessTokenSeconds?: string;
  refreshTokenSeconds?: string;
  issuer?: string;
  audience?: string;
  seed?: string;
  loadAccounts?: string;
  limitAlgorithm?: string;
  limit?: string;
  limitWindowSeconds?: string;
  limitSegments?: string;
  limitTokensPerPeriod?: string;
  limitReplenishSeconds?: string;
  limitPartition?: string;
  limitRejectStatus?: string;
  retryAfter: boolean;
  limitRetryAfter?: string;
  limitBody: boolean;
  limitTimerMs?: string;
  limitQueue?: string;
  limitRoutes?: string;
  // The readings of the spec's OPEN points this server takes (docs/spec.md, "Readings").
  refreshTokenIn?: string;
  refreshTokenShape?: string;
  refreshTokenKey?: string;
  recoveryCodeType?: string;
  wrongPasswordStatus?: string;
  blockedStatus?: string;
  keys?: string;
  signingKey?: string;
  keyFormat?: string;
  leewaySeconds?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const ROUTE_NAMES = Object.keys(DEFAULT_PATHS) as RouteName[];

export const register: RegisterCommand = (program) => {
  program
    .command('serve')
    .description('run the embedded reference facilioo auth API until Ctrl-C')
    .option('--port <n>', 'port to listen on; 0 picks a free one', '0')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--control',
      'serve the control API under /_control (clock, reset, recovery state, stats, defects)',
    )
    .option(
      '--defect <name>',
      'inject a defect; repeatable (`facilioo-auth defects` lists them)',
      collect,
      [],
    )
    .option(
      '--write-target <file>',
      'write a target file describing this server, and its key files beside it',
    )
    .option(
      '--write-load-accounts <file>',
      'write the load account pool (JSON list of { email, password }) for `load --accounts`',
    )
    .option('--access-token-seconds <n>', 'access token lifetime (default 3600)')
    .option('--refresh-token-seconds <n>', 'refresh token lifetime (default 30 days)')
    .option('--issuer <host>', 'iss claim, a bare host name (default ref-api.facilioo.test)')
    .option('--audience <host>', 'aud claim, a bare host name (default ref-app.facilioo.test)')
    .option('--seed <n>', 'seed for the generated accounts (same seed, same accounts)')
    .option('--load-accounts <n>', 'extra User accounts for load runs (default 20)')
    .option('--limit-algorithm <name>', `DefaultRateLimitAuth algorithm: ${LIMITER_ALGORITHMS.join(', ')}`)
    .option('--limit <n>', 'permits per window, or the token bucket size (default 5)')
    .option('--limit-window-seconds <n>', 'window length (default 60)')
    .option('--limit-segments <n>', 'sliding window segments (default 6)')
    .option('--limit-tokens-per-period <n>', 'token bucket refill per period (default 1)')
    .option('--limit-replenish-seconds <n>', 'token bucket refill period (default 12)')
    .option('--limit-partition <key>', 'ip (default) or global')
    .option('--limit-reject-status <status>', '429 (default) or 503 (ASP.NET default)')
    .option('--no-retry-after', 'send no Retry-After header with rejections (= --limit-retry-after none)')
    .option(
      '--limit-retry-after <reading>',
      `Retry-After of a rejection: ${RETRY_AFTER_MODES.join(', ')} (default exact; whole-window: ASP.NET's lease metadata)`,
    )
    .option('--no-limit-body', 'reject with an empty body (ASP.NET without OnRejected)')
    .option(
      '--limit-timer-ms <n>',
      'replenish on a timer of n ms: windows end late and drift (ASP.NET: 100; default 0)',
    )
    .option(
      '--limit-queue <n>',
      'requests that wait for a permit instead of being rejected (QueueLimit; default 0)',
    )
    .option(
      '--limit-routes <names>',
      `comma-separated routes to limit, or none (default recoverPassword): ${ROUTE_NAMES.join(', ')}`,
    )
    // The readings of the OPEN points; each is announced in the --write-target file.
    .option(
      '--refresh-token-in <where>',
      'take the refresh token only in the body or only as Bearer (default: either)',
    )
    .option(
      '--refresh-token-shape <shape>',
      'answer the refresh token as a string (default) or an object {"token": …}',
    )
    .option(
      '--refresh-token-key <name>',
      'the member an object-shaped refresh token is carried under (default: token)',
    )
    .option(
      '--recovery-code-type <type>',
      'take the recovery code only as a JSON string or number (default: either)',
    )
    .option(
      '--wrong-password-status <status>',
      'status of a login with a wrong password: 401 (default) or 400',
    )
    .option('--blocked-status <status>', 'status of a recovery attempt while blocked, any 4xx (default 423)')
    .option('--keys <n>', 'how many public keys to publish; every one verifies (default 1)')
    .option('--signing-key <n>', 'which published key signs, counted from 1 (default 1)')
    .option('--key-format <format>', 'published key form: pkcs1 (default), spki, or mixed (alternating)')
    .option('--leeway-seconds <n>', 'how long past exp a token is still accepted, 0 to 300 (default 0)')
    .action(async (flags: ServeFlags) => {
      const options = startOptions(flags);
      const api = await startReferenceApi(options);
      try {
        const targetFile = flags.writeTarget ? await writeTarget(api, resolve(flags.writeTarget)) : undefined;
        if (flags.writeLoadAccounts) {
          const pool = api.loadAccounts.map(({ email, password }) => ({ email, password }));
          // Passwords of the pool: readable by its owner only, like the target file.
          await writeFileAtomic(resolve(flags.writeLoadAccounts), `${JSON.stringify(pool, null, 2)}\n`, {
            mode: 0o600,
          });
        }
        printBanner(api, targetFile);
        await untilSignal();
      } finally {
        await api.close();
      }
      process.stdout.write('reference API stopped\n');
    });
};

export function startOptions(flags: ServeFlags): StartOptions {
  const limits: LimitsInput = { retryAfter: flags.retryAfter, rejectBody: flags.limitBody };
  if (flags.limitRetryAfter !== undefined) {
    if (!flags.retryAfter) {
      throw new ConfigError('--no-retry-after and --limit-retry-after contradict each other', {
        where: '--limit-retry-after',
        hint: 'pass one of them (--limit-retry-after none is --no-retry-after)',
      });
    }
    limits.retryAfter = oneOf('--limit-retry-after', flags.limitRetryAfter, RETRY_AFTER_MODES);
  }
  if (flags.limitTimerMs !== undefined)
    limits.replenishmentTimerMs = integer('--limit-timer-ms', flags.limitTimerMs, 0, 1000);
  if (flags.limitQueue !== undefined)
    limits.queueLimit = integer('--limit-queue', flags.limitQueue, 0, 10_000);
  if (flags.limitAlgorithm !== undefined) {
    limits.algorithm = oneOf('--limit-algorithm', flags.limitAlgorithm, LIMITER_ALGORITHMS);
  }
  if (flags.limit !== undefined) limits.permitLimit = integer('--limit', flags.limit, 1);
  if (flags.limitWindowSeconds !== undefined) {
    limits.windowSeconds = positive('--limit-window-seconds', flags.limitWindowSeconds);
  }
  if (flags.limitSegments !== undefined)
    limits.segmentsPerWindow = integer('--limit-segments', flags.limitSegments, 1);
  if (flags.limitTokensPerPeriod !== undefined) {
    limits.tokensPerPeriod = integer('--limit-tokens-per-period', flags.limitTokensPerPeriod, 1);
  }
  if (flags.limitReplenishSeconds !== undefined) {
    limits.replenishmentPeriodSeconds = positive('--limit-replenish-seconds', flags.limitReplenishSeconds);
  }
  if (flags.limitPartition !== undefined) {
    limits.partitionBy = oneOf('--limit-partition', flags.limitPartition, ['ip', 'global'] as const);
  }
  if (flags.limitRejectStatus !== undefined) {
    limits.rejectStatus = Number(
      oneOf('--limit-reject-status', flags.limitRejectStatus, ['429', '503'] as const),
    ) as 429 | 503;
  }
  if (flags.limitRoutes !== undefined) {
    const names =
      flags.limitRoutes.trim() === 'none' ? [] : flags.limitRoutes.split(',').map((name) => name.trim());
    limits.routes = names.filter(Boolean).map((name) => oneOf('--limit-routes', name, ROUTE_NAMES));
  }
  const options: StartOptions = {
    host: flags.host,
    port: integer('--port', flags.port, 0, 65_535),
    control: Boolean(flags.control),
    defects: parseDefectNames(flags.defect, '--defect'),
    limits,
  };
  if (flags.accessTokenSeconds !== undefined) {
    options.accessTokenSeconds = integer('--access-token-seconds', flags.accessTokenSeconds, 1);
  }
  if (flags.refreshTokenSeconds !== undefined) {
    options.refreshTokenSeconds = integer('--refresh-token-seconds', flags.refreshTokenSeconds, 1);
  }
  if (flags.issuer !== undefined) options.issuer = hostName('--issuer', flags.issuer);
  if (flags.audience !== undefined) options.audience = hostName('--audience', flags.audience);
  if (flags.seed !== undefined) options.seed = integer('--seed', flags.seed, 0);
  if (flags.loadAccounts !== undefined)
    options.loadAccounts = integer('--load-accounts', flags.loadAccounts, 0, 999);
  return { ...options, ...readingOptions(flags) };
}

function readingOptions(flags: ServeFlags): Partial<StartOptions> {
  const options: Partial<StartOptions> = {};
  if (flags.refreshTokenIn !== undefined) {
    options.refreshTokenIn = oneOf('--refresh-token-in', flags.refreshTokenIn, ['body', 'bearer']);
  }
  if (flags.refreshTokenShape !== undefined) {
    options.refreshTokenShape = oneOf('--refresh-token-shape', flags.refreshTokenShape, ['string', 'object']);
  }
  if (flags.refreshTokenKey !== undefined) options.refreshTokenKey = flags.refreshTokenKey;
  if (flags.recoveryCodeType !== undefined) {
    options.recoveryCodeType = oneOf('--recovery-code-type', flags.recoveryCodeType, ['string', 'number']);
  }
  if (flags.wrongPasswordStatus !== undefined) {
    const status = oneOf('--wrong-password-status', flags.wrongPasswordStatus, ['401', '400']);
    options.wrongPasswordStatus = Number(status) as 401 | 400;
  }
  if (flags.blockedStatus !== undefined) {
    options.blockedStatus = integer('--blocked-status', flags.blockedStatus, 400, 499);
  }
  const keyCount = flags.keys === undefined ? 1 : integer('--keys', flags.keys, 1, 16);
  if (flags.keys !== undefined) options.keyCount = keyCount;
  if (flags.signingKey !== undefined) {
    options.signingKeyIndex = integer('--signing-key', flags.signingKey, 1, keyCount) - 1;
  }
  if (flags.keyFormat !== undefined) {
    options.publicKeyFormat = oneOf('--key-format', flags.keyFormat, PUBLIC_KEY_FORMATS);
  }
  if (flags.leewaySeconds !== undefined) {
    options.leewaySeconds = integer('--leeway-seconds', flags.leewaySeconds, 0, 300);
  }
  return options;
}

/**
 * The options `serve ARGS…` would start the reference API with, without starting it: what the
 * readings matrix and the discovery tests use, so a reading there is spelled as a user types it.
 */
export function serveOptions(args: readonly string[]): StartOptions {
  const program = new Command().exitOverride();
  register(program, () => {});
  const serve = program.commands.find((command) => command.name() === 'serve');
  if (!serve) throw new Error('the serve command is not registered');
  const { operands, unknown } = serve.parseOptions([...args]);
  const stray = [...operands, ...unknown];
  if (stray.length > 0) {
    throw new ConfigError(`unknown serve argument ${JSON.stringify(stray[0])}`, {
      where: 'serve',
      hint: '`facilioo-auth serve --help` lists the flags',
    });
  }
  return startOptions(serve.opts<ServeFlags>());
}

/** Writes the key files beside the target file, then the target file, each atomically. */
export async function writeTarget(api: RunningReferenceApi, file: string): Promise<string> {
  const directory = dirname(file);
  const stem = basename(file).replace(/\.json$/i, '');
  await mkdir(directory, { recursive: true });
  const keyFiles = await Promise.all(
    api.publicKeyPems.map(async (pem, i) => {
      const name = `${stem}.key-${i + 1}.pem`;
      await writeFileAtomic(join(directory, name), pem, { mode: 0o644 });
      // Relative to the target file, so the pair can be moved together.
      return name;
    }),
  );
  // The target file holds the seeded test passwords: readable by its owner only.
  const document = api.targetDocument(keyFiles);
  // The limiter's numbers are OPEN readings: declare them, as QA would for staging.
  document.options.rateLimit = declaredRateLimit(api.options.limits);
  await writeFileAtomic(file, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600 });
  return file;
}

function printBanner(api: RunningReferenceApi, targetFile: string | undefined): void {
  const lines = [
    'facilioo reference API listening',
    `  base URL     ${api.baseUrl}`,
    `  mailbox URL  ${api.mailboxUrl}`,
    ...(api.controlUrl ? [`  control URL  ${api.controlUrl}`] : []),
    ...(targetFile ? [`  target file  ${targetFile}`] : []),
    `  defects      ${api.activeDefects().join(', ') || 'none'}`,
    'Stop with Ctrl-C.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function hostName(flag: string, value: string): string {
  if (!/^[A-Za-z0-9.-]+$/.test(value)) {
    throw new ConfigError(`${JSON.stringify(value)} is not a bare host name`, {
      where: flag,
      hint: 'facilioo tokens carry host names like dev-api.facilioo.de, without scheme or path',
    });
  }
  return value;
}
