/**
 * A target, resolved: every `{ "env": "VAR" }` replaced by its value, paths made absolute,
 * `FACILIOO_BASE_URL` applied, OPEN points filled with the spec's defaults. This is what every
 * suite receives; the file format itself is validated in `src/target/load.ts`.
 */
import type { AccountSlot } from '../roles.ts';

export interface Credentials {
  email: string;
  password: string;
}

export type RouteName =
  | 'login'
  | 'refresh'
  | 'recoverPassword'
  | 'changePasswordWithRecoveryCode'
  | 'unblockRecoveryCode';

export const DEFAULT_PATHS: Readonly<Record<RouteName, string>> = {
  login: '/api/auth/login',
  refresh: '/api/auth/refresh',
  recoverPassword: '/api/auth/recover-password',
  changePasswordWithRecoveryCode: '/api/auth/change-password-with-recovery-code',
  unblockRecoveryCode: '/api/account/unblock-recovery-code',
};

export const DEFAULT_PROTECTED_PATH = '/api/accounts/myself';

export interface TargetOptions {
  /** Where the refresh call carries the refresh token (SEEN: some clients send it as Bearer). */
  refreshTokenIn: 'body' | 'bearer';
  /** DOC's table types the refresh response's `refreshToken` as object; the page treats it as a string. */
  refreshTokenShape: 'string' | 'object';
  /**
   * The member of an object-shaped `refreshToken` that carries the token string (the spec says
   * `{ "token": … }` "or similar"); the pacts pin it, so a target that uses another name says so.
   */
  refreshTokenKey: string;
  /** DOC's example sends the code as a string; the hub types it int32. */
  recoveryCodeType: 'string' | 'number';
  /** OPEN: the status a wrong password gets (401 is our reading; 400 is ASP.NET's validation default). */
  wrongPasswordStatus: 400 | 401;
  /**
   * OPEN: the status a change-password attempt gets while recovery is blocked. `null` accepts any
   * 4xx; a number makes the contracts and checks require exactly it.
   */
  blockedStatus: number | null;
  /** Longest real wait a check may take (e.g. for an access token to expire). */
  maxWaitSeconds: number;
  /**
   * Longest a single HTTP request may take before it counts as failed (an extension of the
   * spec's options: a target that hangs must fail a check, not stall the run).
   */
  requestTimeoutSeconds: number;
  /**
   * How long after `exp` the target still accepts an access token (OPEN; ASP.NET's JwtBearer
   * ClockSkew defaults to 300 s). Checks that need an expired token go this far past `exp`.
   */
  tokenLeewaySeconds: number;
  /**
   * How the target's rate limiter rejects (OPEN; ASP.NET's RejectionStatusCode defaults to 503).
   * Without `rejectStatus`, 429 is a rejection and a 503 only when its shape says so.
   */
  rateLimit?: RateLimitOptions | undefined;
}

/** What a target file says of its rate limiter (`options.rateLimit`); every field is optional. */
export interface RateLimitOptions {
  rejectStatus?: 429 | 503 | undefined;
  /**
   * The window (a token bucket's replenishment period). A refusal that names no wait is waited
   * out for one window and retried once; without it such waits are bounded by maxWaitSeconds.
   */
  windowSeconds?: number | undefined;
  /** Permits per window (a token bucket's size): sizes a burst that must get past a queue. */
  permitLimit?: number | undefined;
  /**
   * Requests over the limit held until a permit frees (ASP.NET's QueueLimit; default 0): a
   * queued request is answered late, not refused, so a burst goes out at once to meet the limit.
   */
  queueLimit?: number | undefined;
}

export const DEFAULT_OPTIONS: Readonly<TargetOptions> = {
  refreshTokenIn: 'body',
  refreshTokenShape: 'string',
  refreshTokenKey: 'token',
  recoveryCodeType: 'string',
  wrongPasswordStatus: 401,
  blockedStatus: null,
  maxWaitSeconds: 60,
  requestTimeoutSeconds: 10,
  tokenLeewaySeconds: 0,
};

export interface MailboxConfig {
  kind: 'mailpit';
  url: string;
  /** Source of a RegExp whose first capture group (or whole match) is the code. */
  codePattern: string;
}

export const DEFAULT_CODE_PATTERN = '\\b(\\d{6})\\b';

/** A string value in a target file may instead name an environment variable (secrets never live in the file). */
export interface EnvRef {
  env: string;
}
export type StringOrEnv = string | EnvRef;

/**
 * A target file as written (spec, "Targets"), before validation: what `parseTarget` accepts and
 * what the reference API's `targetDocument()` returns. `schemas/target.schema.json` describes it.
 */
export interface TargetFileJson {
  $schema?: string;
  name: StringOrEnv;
  /** Marks the deployment as production whatever its name or host (default false). */
  production?: boolean;
  /** Required unless `FACILIOO_BASE_URL` is set, which overrides it. */
  baseUrl?: StringOrEnv;
  jwt?: { issuer?: StringOrEnv; audience?: StringOrEnv; publicKeys?: StringOrEnv[] };
  accounts?: Partial<Record<AccountSlot, { email: StringOrEnv; password: StringOrEnv }>>;
  mailbox?: { kind: 'mailpit'; url: StringOrEnv; codePattern?: StringOrEnv };
  protectedPath?: StringOrEnv;
  paths?: Partial<Record<RouteName, StringOrEnv>>;
  options?: {
    refreshTokenIn?: TargetOptions['refreshTokenIn'] | EnvRef;
    refreshTokenShape?: TargetOptions['refreshTokenShape'] | EnvRef;
    refreshTokenKey?: string;
    recoveryCodeType?: TargetOptions['recoveryCodeType'] | EnvRef;
    wrongPasswordStatus?: TargetOptions['wrongPasswordStatus'];
    blockedStatus?: number | null;
    maxWaitSeconds?: number;
    requestTimeoutSeconds?: number;
    tokenLeewaySeconds?: number;
    rateLimit?: {
      rejectStatus?: 429 | 503;
      windowSeconds?: number;
      permitLimit?: number;
      queueLimit?: number;
    };
  };
  control?: StringOrEnv | null;
}

export interface Target {
  name: string;
  /** Set by the target file's `production: true`; name and host count too (isProductionTarget). */
  production?: boolean;
  /** Where the target came from: a file path, or `embedded` for the built-in reference API. */
  source: string;
  baseUrl: string;
  jwt: {
    issuer: string | undefined;
    audience: string | undefined;
    /** PEM files (absolute paths), PKCS#1 or SPKI. Empty when the target lists none. */
    publicKeys: string[];
  };
  accounts: Partial<Record<AccountSlot, Credentials>>;
  mailbox: MailboxConfig | undefined;
  protectedPath: string;
  paths: Record<RouteName, string>;
  options: TargetOptions;
  /** Base URL of the reference API's control API (clock, reset, recovery state), if any. */
  control: string | undefined;
}
