/**
 * The run document's shape: what `facilioo-auth load` hands a k6 script as one JSON file
 * (written by src/k6/run-config.ts, read by load/lib/config.ts). Types and constants only, so
 * the k6 bundle can import it without Node.
 */
import type { RejectStatus } from '../rate-limit/index.ts';
import type { Credentials, RouteName } from '../target/types.ts';

export const RUN_CONFIG_VERSION = 1;

export interface LoadRunConfig {
  version: typeof RUN_CONFIG_VERSION;
  target: {
    name: string;
    baseUrl: string;
    paths: Record<RouteName, string>;
    protectedPath: string;
    refreshTokenIn: 'body' | 'bearer';
    refreshTokenShape: 'string' | 'object';
    /** The member of an object-shaped refresh token that carries the string. */
    refreshTokenKey: string;
    production: boolean;
    /** The declared rejection status; null: 429, or 503 when its shape says so. */
    rejectStatus: RejectStatus | null;
  };
  /** Each VU logs in with one of these; the `recovery` account is never among them. */
  accounts: Credentials[];
  run: {
    profile: string;
    /** Multiplies every stage's duration (0.1: a tenth of the profile's length). */
    timeScale: number;
    /** Multiplies every arrival rate and VU count. */
    rateScale: number;
    reportDir: string;
    allowProduction: boolean;
  };
  probe: {
    endpoint: string;
    email: string;
    maxRequests: number;
    maxSeconds: number;
  };
}

/** The target slots a load run may log in with; `recovery` is left to the scenarios that lock it. */
export const POOL_SLOTS = [
  'user',
  'contractor',
  'propertyManagementCompany',
  'admin',
  'otherCompanyPropertyManagementCompany',
] as const;
