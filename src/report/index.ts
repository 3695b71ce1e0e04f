/** The reports module: merge layer results into the gate's verdict and write reports/ from it. */
export type { InputNote, LatencyRow, PactView, ProbeResult } from './inputs.ts';
export { renderJUnit } from './junit.ts';
export { renderMarkdown, verdictLine } from './markdown.ts';
export { countChecks, type MergeOptions, mergeLayers, readLayerReport } from './merge.ts';
export {
  HISTORY_LIMIT,
  readHistory,
  runId,
  type WriteRunOptions,
  type WrittenRun,
  writeRun,
} from './runs.ts';
export { type SecretFinding, scanForSecrets } from './scan.ts';
export * from './types.ts';
export { type WriteReportsOptions, type WrittenReports, writeReports } from './write.ts';
