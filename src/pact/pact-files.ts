/**
 * Who the pact is between and where it is written: read by the consumer tests, the global setup
 * that clears the folder, and the verifier that reads it back.
 */
import { fileURLToPath } from 'node:url';

export const CONSUMER = 'facilioo-auth-suite';
export const PROVIDER = 'facilioo-auth-api';
/** `reports/pacts/`, whatever the working directory (reports/ is git-ignored). */
export const PACT_DIR = fileURLToPath(new URL('../../reports/pacts/', import.meta.url));
