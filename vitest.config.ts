import { defineConfig } from 'vitest/config';

// The suites are vitest projects, chosen by name (`--project unit`), never by ignore globs.
// Contracts share one pact file per endpoint and the Pact FFI per process, so they run in
// forks with no file parallelism, as pact-js runs its own tests.
export default defineConfig({
  test: {
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'contracts',
          include: ['contracts/**/*.pact.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'scenarios',
          include: ['scenarios/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
