/** `check-target --discover`: the readings a live target takes, found without harm. */
export { type LimiterReading, limiterReadingOf, probeLimiter } from './limiter.ts';
export {
  type DiscoverOptions,
  type Discovery,
  discoverReadings,
  type Found,
  type NotInferred,
  type ReadingOption,
} from './readings.ts';
export { formatDiscovery, parseDiscoverySnippet, SNIPPET_HEADING } from './report.ts';
