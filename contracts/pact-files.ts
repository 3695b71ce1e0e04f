/**
 * Who the pact is between and where it is written: read by the consumer tests, the global setup
 * that clears the folder, and the verifier that reads it back.
 */
import { fileURLToPath } from 'node:url';

export const CONSUMER = 'facilioo-auth-suite';
export const PROVIDER = 'facilioo-auth-api';
/** The environment variable through which the gate gives each contracts run its own folder. */
export const PACT_DIR_VARIABLE = 'FACILIOO_PACT_DIR';
/**
 * `reports/pacts/`, whatever the working directory (reports/ is git-ignored) — unless the gate
 * names another folder, so that two gates at once never clear or merge each other's pacts.
 */
export const PACT_DIR =
  process.env[PACT_DIR_VARIABLE] || fileURLToPath(new URL('../reports/pacts/', import.meta.url));
