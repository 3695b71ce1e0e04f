/**
 * The unit project runs its files without isolation (one module graph per worker, for speed), so
 * what a file may leave in the process is put back between files here: the secret registry the
 * redaction reads, stubbed environment variables, spies and fake timers.
 */
import { afterAll, beforeAll, vi } from 'vitest';
import { clearRegisteredSecrets } from '../src/redact/index.ts';

beforeAll(() => {
  clearRegisteredSecrets();
});

afterAll(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  clearRegisteredSecrets();
});
