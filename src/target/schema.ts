/**
 * The target file format (spec, "Targets") as one zod schema. Two checks depend on the file
 * being parsed: `{ "env": "VAR" }` references resolve against the environment handed in, and key
 * files resolve against the file's directory; the schema reads both through a context getter, so
 * it is built once (building a zod schema costs milliseconds, parsing microseconds). The same
 * builder renders `schemas/target.schema.json` for editors.
 *
 * Objects are strict on purpose: a misspelt optional field (`"mailBox"`, `"acounts"`) would
 * otherwise be dropped and the checks needing it silently skipped.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ACCOUNT_SLOTS } from '../roles.ts';
import { DEFAULT_CODE_PATTERN, DEFAULT_OPTIONS, DEFAULT_PATHS, DEFAULT_PROTECTED_PATH } from './types.ts';

export interface SchemaContext {
  env: Readonly<Record<string, string | undefined>>;
  /** Directory that relative key files are resolved against. */
  baseDir: string;
}

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Leaves that also accept `{ "env": "VAR" }`; the JSON Schema renderer widens exactly these. */
export const envLeaves = new WeakSet<object>();

/** Issue params a custom check may set; the loader turns `hint` into ConfigError's hint. */
export interface IssueParams {
  hint?: string;
}

function custom(ctx: z.RefinementCtx, message: string, hint?: string): void {
  ctx.addIssue({ code: 'custom', message, params: { hint } satisfies IssueParams });
}

/** Read at parse time, so one schema instance serves every file. */
export type ContextOf = () => SchemaContext;

function envable<T extends z.ZodType>(inner: T, context: ContextOf) {
  const leaf = z.preprocess((value, ctx) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !('env' in value))
      return value;
    const name = (value as { env: unknown }).env;
    if (Object.keys(value).length !== 1 || typeof name !== 'string' || !ENV_NAME.test(name)) {
      custom(
        ctx,
        'an environment reference must be exactly { "env": "VARIABLE_NAME" }',
        'name one variable (letters, digits, underscore), e.g. { "env": "ADMIN_PASSWORD" }',
      );
      return z.NEVER;
    }
    const resolved = context().env[name];
    if (resolved === undefined || resolved === '') {
      custom(
        ctx,
        `environment variable ${name} is ${resolved === undefined ? 'not set' : 'empty'}`,
        `set ${name} before running (export ${name}=… in a shell, a secret named ${name} in CI)`,
      );
      return z.NEVER;
    }
    return resolved;
  }, inner);
  // Marked by its preprocess step, which survives `.describe()` (that clones the pipe itself).
  envLeaves.add(leaf._zod.def.in);
  return leaf;
}

/** Why `value` is not a usable base URL, or undefined when it is. Shared with the FACILIOO_BASE_URL check. */
export function httpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `uses ${url.protocol} (only http and https work)`;
  if (url.username || url.password) return 'carries user:password@ credentials (they would end up in logs)';
  if (value.includes('?') || value.includes('#')) return 'has a query or fragment';
  return undefined;
}

/** `https://host/prefix/` → `https://host/prefix`, so callers can append `/api/...` paths. */
export function normaliseHttpUrl(value: string): string {
  const url = new URL(value);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const URL_HINT =
  'an absolute http(s) URL without credentials, query or fragment, e.g. "https://staging-api.facilioo.de"';

function httpUrl(context: ContextOf) {
  return envable(
    z.string().superRefine((value, ctx) => {
      const problem = httpUrlProblem(value);
      if (problem)
        custom(ctx, `"${value.includes('@') ? '<URL with credentials>' : value}" ${problem}`, URL_HINT);
    }),
    context,
  ).transform(normaliseHttpUrl);
}

function routePath(context: ContextOf) {
  return envable(
    z.string().superRefine((value, ctx) => {
      if (!/^\/(?!\/)/.test(value) || value.includes('#')) {
        custom(
          ctx,
          `"${value}" is not a path`,
          'a path on the base URL starting with one "/", e.g. "/api/auth/login"',
        );
      }
    }),
    context,
  );
}

function keyFile(context: ContextOf) {
  return envable(z.string().min(1), context).transform((file, ctx) => {
    const path = resolve(context().baseDir, file);
    let isFile = false;
    try {
      isFile = statSync(path).isFile();
    } catch {
      // A missing file and an unreadable one get the same advice below.
    }
    if (!isFile) {
      custom(
        ctx,
        `key file ${path} does not exist`,
        'give a PEM file (PKCS#1 or SPKI public key), relative to the target file',
      );
      return z.NEVER;
    }
    const pem = readFileSync(path, 'utf8');
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
      custom(
        ctx,
        `key file ${path} holds a private key`,
        'give the public key only; never commit a private key',
      );
      return z.NEVER;
    }
    if (!/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) {
      custom(
        ctx,
        `key file ${path} is not a PEM public key`,
        'expected "-----BEGIN RSA PUBLIC KEY-----" (PKCS#1) or "-----BEGIN PUBLIC KEY-----" (SPKI)',
      );
      return z.NEVER;
    }
    return path;
  });
}

function codePattern(context: ContextOf) {
  return envable(
    z.string().superRefine((source, ctx) => {
      let regex: RegExp;
      try {
        regex = new RegExp(source);
      } catch (error) {
        custom(
          ctx,
          `is not a valid regular expression: ${(error as Error).message}`,
          `a JavaScript RegExp source whose group 1 (or whole match) is the code; in JSON, backslashes double: ${JSON.stringify(DEFAULT_CODE_PATTERN)}`,
        );
        return;
      }
      if (regex.test('')) {
        custom(
          ctx,
          'matches the empty string, so any e-mail would "contain" a code',
          `e.g. ${JSON.stringify(DEFAULT_CODE_PATTERN)}`,
        );
      }
    }),
    context,
  );
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let diagonal = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const above = row[j]!;
        row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
        diagonal = above;
      }
    }
    return row[b.length]!;
  };
  const lower = word.toLowerCase();
  const ranked = candidates
    .map((candidate) => ({ candidate, d: distance(lower, candidate.toLowerCase()) }))
    .sort((a, b) => a.d - b.d);
  const best = ranked[0];
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.candidate : undefined;
}

/** A strict object whose unknown-key message lists the known keys (and the likely intended one). */
function strict<T extends z.core.$ZodLooseShape>(shape: T, noun = 'field') {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const guesses = issue.keys.map((key) => closest(key, known)).filter((guess) => guess !== undefined);
      const names = issue.keys.map((key) => `"${key}"`).join(', ');
      return [
        `unknown ${noun}${issue.keys.length > 1 ? 's' : ''} ${names}`,
        guesses.length ? ` (did you mean "${guesses.join('", "')}"?)` : '',
        `; known ${noun}s: ${known.join(', ')}`,
      ].join('');
    },
  });
}

/** A number of requests a limiter counts (permits, queue places). */
function requestCount(min: number) {
  return z
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be ${min} or more` })
    .max(10_000, { error: 'must be at most 10000' });
}

function enumOption<const T extends readonly [string, ...string[]]>(values: T, context: ContextOf) {
  return envable(
    z.enum(values, { error: () => `must be one of ${values.map((v) => `"${v}"`).join(', ')}` }),
    context,
  );
}

export function targetFileSchema(context: ContextOf) {
  const text = () => envable(z.string().min(1, { error: 'must not be empty' }), context);
  const email = () =>
    envable(z.string().regex(z.regexes.html5Email, { error: 'is not an e-mail address' }), context);
  const account = strict({
    email: email(),
    password: text().describe('Use { "env": "VAR" }: secrets never live in the file.'),
  });
  const accountShape = Object.fromEntries(ACCOUNT_SLOTS.map((slot) => [slot, account.optional()])) as Record<
    (typeof ACCOUNT_SLOTS)[number],
    z.ZodOptional<typeof account>
  >;
  const pathShape = Object.fromEntries(
    Object.keys(DEFAULT_PATHS).map((route) => [route, routePath(context).optional()]),
  ) as Record<keyof typeof DEFAULT_PATHS, z.ZodOptional<ReturnType<typeof routePath>>>;

  return strict({
    $schema: z.string().optional(),
    name: text().describe('Names the deployment in reports; "production"/"prod" marks it as production.'),
    baseUrl: httpUrl(context)
      .optional()
      .describe(
        'Where the API answers, e.g. https://staging-api.facilioo.de. FACILIOO_BASE_URL overrides it.',
      ),
    jwt: strict({
      issuer: text().optional().describe('Expected `iss` (a bare host name at facilioo).'),
      audience: text().optional().describe('Expected `aud`.'),
      publicKeys: z
        .array(keyFile(context))
        .optional()
        .describe(
          'PEM files (PKCS#1 or SPKI), relative to this file. Tokens carry no kid: every key is tried.',
        ),
    }).optional(),
    accounts: strict(accountShape, 'account slot')
      .optional()
      .describe(
        'E-mail and password per slot. A check that needs a slot the target lacks is skipped with a reason.',
      ),
    mailbox: strict({
      kind: z.literal('mailpit', { error: 'must be "mailpit" (the only mailbox API supported)' }),
      url: httpUrl(context).describe('Mailpit base URL (the one serving /api/v1/...).'),
      codePattern: codePattern(context)
        .default(DEFAULT_CODE_PATTERN)
        .describe('RegExp source; group 1 (or the whole match) is the recovery code.'),
    }).optional(),
    protectedPath: routePath(context)
      .default(DEFAULT_PROTECTED_PATH)
      .describe('An authenticated GET every party type may call.'),
    paths: strict(pathShape, 'route')
      .optional()
      .describe('Renames routes; unnamed routes keep the spec paths.'),
    options: strict({
      refreshTokenIn: enumOption(['body', 'bearer'], context).default(DEFAULT_OPTIONS.refreshTokenIn),
      refreshTokenShape: enumOption(['string', 'object'], context).default(DEFAULT_OPTIONS.refreshTokenShape),
      refreshTokenKey: z
        .string({ error: 'must be the name of a JSON member' })
        .regex(/^[A-Za-z_$][\w$]*$/, { error: 'must be a JSON member name such as "token" or "value"' })
        .default(DEFAULT_OPTIONS.refreshTokenKey)
        .describe(
          'The member of an object-shaped refreshToken that carries the token (refreshTokenShape "object").',
        ),
      recoveryCodeType: enumOption(['string', 'number'], context).default(DEFAULT_OPTIONS.recoveryCodeType),
      wrongPasswordStatus: z
        .union([z.literal(400), z.literal(401)], { error: 'must be 400 or 401' })
        .default(DEFAULT_OPTIONS.wrongPasswordStatus)
        .describe('Status of a login with a wrong password (OPEN).'),
      blockedStatus: z
        .number({ error: 'must be a 4xx status or null' })
        .int({ error: 'must be a whole number' })
        .min(400, { error: 'must be a 4xx status' })
        .max(499, { error: 'must be a 4xx status' })
        .nullable()
        .default(DEFAULT_OPTIONS.blockedStatus)
        .describe('Status of a recovery attempt while recovery is blocked (OPEN); null accepts any 4xx.'),
      maxWaitSeconds: z
        .number({ error: 'must be a number of seconds' })
        .positive({ error: 'must be more than 0' })
        .max(86_400, { error: 'must be at most 86400 (one day)' })
        .default(DEFAULT_OPTIONS.maxWaitSeconds),
      requestTimeoutSeconds: z
        .number({ error: 'must be a number of seconds' })
        .positive({ error: 'must be more than 0' })
        .max(600, { error: 'must be at most 600' })
        .default(DEFAULT_OPTIONS.requestTimeoutSeconds),
      tokenLeewaySeconds: z
        .number({ error: 'must be a number of seconds' })
        .min(0, { error: 'must be 0 or more' })
        .max(86_400, { error: 'must be at most 86400 (one day)' })
        .default(DEFAULT_OPTIONS.tokenLeewaySeconds),
      rateLimit: strict({
        rejectStatus: z
          .union([z.literal(429), z.literal(503)], { error: 'must be 429 or 503' })
          .optional()
          .describe(
            "The status the target's rate limiter rejects with (ASP.NET's default is 503). Absent: 429, or a 503 whose shape over time says rate limit.",
          ),
        windowSeconds: z
          .number({ error: 'must be a number of seconds' })
          .positive({ error: 'must be more than 0' })
          .max(86_400, { error: 'must be at most 86400 (one day)' })
          .optional()
          .describe(
            "The limiter's window (a token bucket's replenishment period). A refusal without Retry-After is waited out for one window, then retried once; absent: such waits are bounded by maxWaitSeconds.",
          ),
        permitLimit: requestCount(1)
          .optional()
          .describe(
            "Permits per window (a token bucket's size). With a queue it sizes the burst that meets the limit; absent: a burst of up to 20.",
          ),
        queueLimit: requestCount(0)
          .optional()
          .describe(
            "Requests over the limit the limiter holds until a permit frees instead of rejecting them (ASP.NET's QueueLimit; default 0). Bursts then go out at once, so the ones beyond the queue are refused.",
          ),
      })
        .optional()
        .describe('How the rate limiter on recover-password answers (spec, ASP.NET section).'),
    }).prefault({}),
    control: httpUrl(context)
      .nullable()
      .optional()
      .describe(
        'Base URL of the reference API control API (clock, reset); null or absent when there is none.',
      ),
    production: z
      .boolean({ error: 'must be true or false' })
      .optional()
      .describe(
        'true marks the deployment as production whatever its name or host: every command refuses it without --allow-production.',
      ),
  });
}

export type TargetFileSchema = ReturnType<typeof targetFileSchema>;
export type ParsedTargetFile = z.output<TargetFileSchema>;
