/**
 * What vitest carries between the scenario project's global setup, its test files and the
 * summary reporter: the provided request and the per-test meta. Types only, so the global setup
 * and the reporter (which run outside the test workers) can import it without loading vitest's
 * test runtime.
 */
import type { CheckResult } from '../report/types.ts';
import type { Target } from '../target/index.ts';

/** What the global setup (or the CLI) hands the scenario files. */
export interface ScenarioRequest {
  target: Target;
  /** Print every HTTP exchange, redacted. */
  trace: boolean;
  /** Check ids to run; undefined runs all. */
  only?: string[] | undefined;
  /** Set by the production guard: destructive checks are skipped with this reason. */
  skipDestructive?: string | undefined;
  /**
   * Show progress on stderr: each check as it ends, each wait as it begins, a line whenever the
   * run is quiet for ~5 s (set by `facilioo-auth scenarios`; the test project has vitest's own).
   */
  progress?: boolean;
}

/** Attached to each test as `meta.scenario`; the summary reporter reads nothing else. */
export interface ScenarioMeta {
  result: CheckResult;
  cleanupFailures: string[];
  target: { name: string; baseUrl: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    scenarios: ScenarioRequest;
  }
}

declare module '@vitest/runner' {
  interface TaskMeta {
    scenario?: ScenarioMeta;
  }
}
