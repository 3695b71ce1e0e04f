import { defineConfig } from 'vitest/config';

// Most test files wait on sockets, child processes (k6, the Pact verifier) and timers rather than
// on the CPU, so more files run at once than there are cores. vitest's default (cores − 1) is one
// file at a time on the 2-core machines this project is measured on. Every project of a group
// must state the same count (vitest refuses a group whose projects differ).
const WORKERS = 4;

// The suites are vitest projects, chosen by name (`--project unit`), never by ignore globs.
// Contracts share one pact file per endpoint and the Pact FFI per process, so they run in
// forks with no file parallelism, as pact-js runs its own tests.
//
// vitest 4 runs the projects in groups (sequence.groupOrder), one group after another, and every
// project of a group must have the same worker count. So projects pinned to one worker get
// groups of their own: beside `unit` (default: cores − 1 workers) they would be refused on any
// machine with more than two cores. An unnumbered one-worker project would run after every
// numbered group — contracts after the verification that reads their pacts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // The slow files (real k6 runs, whole-repo lint and type-check) are their own project,
          // beside this one: `npm run test:unit` stays quick. So are the files that replace a
          // module (vi.mock), which need a module graph of their own.
          exclude: ['test/**/*.slow.test.ts', 'test/**/*.isolated.test.ts'],
          // A worker keeps its imports from one file to the next instead of loading the client,
          // Fastify and jose again for each of 90 files (half the unit run's CPU). Files restore
          // what they change in the process; test/file-state.ts puts back what one leaves behind.
          isolate: false,
          setupFiles: ['test/fast-check-seed.ts', 'test/file-state.ts'],
          maxWorkers: WORKERS,
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Files that replace a module with vi.mock: isolated, so the replacement stays theirs.
        test: {
          name: 'unit-isolated',
          include: ['test/**/*.isolated.test.ts'],
          setupFiles: ['test/fast-check-seed.ts'],
          environment: 'node',
          maxWorkers: WORKERS,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Real k6 runs of the load scripts, Biome and tsc over the repo: tens of seconds each,
        // in the first group beside the unit files.
        test: {
          name: 'slow',
          include: ['test/**/*.slow.test.ts'],
          environment: 'node',
          maxWorkers: WORKERS,
          testTimeout: 300_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'contracts',
          include: ['contracts/**/*.pact.test.ts'],
          // Pact merges into existing files: each run starts from an empty reports/pacts/.
          globalSetup: ['contracts/global-setup.ts'],
          // One fork runs the files one after another, before anything reads the pacts. Without
          // isolation the fork imports Pact and the client once, not once per file: a contracts
          // run (the gate starts one per set of readings) takes 2 s instead of 6 s, and writes the
          // same pact file.
          pool: 'forks',
          maxWorkers: 1,
          isolate: false,
          sequence: { groupOrder: 1 },
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Provider verification reads the pacts the contracts project writes, so it runs in a
        // later group (it writes them itself when run alone and none exist).
        test: {
          name: 'verification',
          include: ['contracts/**/*.verify.test.ts'],
          sequence: { groupOrder: 3 },
          maxWorkers: WORKERS,
          // The verifier runs in worker processes, one per test file, so the files may run side by side.
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // One thread without isolation: every scenario file shares one ScenarioRun, so account
        // locks and clock moves hold across files, while checks inside a file run concurrently.
        test: {
          name: 'scenarios',
          include: ['scenarios/**/*.test.ts'],
          globalSetup: ['scenarios/global-setup.ts'],
          pool: 'threads',
          maxWorkers: 1,
          isolate: false,
          sequence: { groupOrder: 2 },
          maxConcurrency: 64,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Whole gate runs (faults, secrets in reports): they verify the pacts the contracts
        // project wrote, so they run in the later group, beside verification.
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          sequence: { groupOrder: 3 },
          maxWorkers: WORKERS,
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // The gate against the reference API in every reading of the OPEN points (readings/table.ts).
        // It verifies the pacts the contracts project wrote, so it runs in the later group; the
        // gates run side by side, each with its own server and reports.
        test: {
          name: 'readings',
          include: ['readings/**/*.test.ts'],
          sequence: { groupOrder: 3 },
          maxWorkers: WORKERS,
          pool: 'forks',
          maxConcurrency: 6,
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
