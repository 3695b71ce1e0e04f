/**
 * What the probe reports: `reports/load/rate-limit-probe.json` holds a ProbeResult. The
 * findings come from analysis.ts reading the whole timeline once the probe stops.
 */
import { type Algorithm, analyzeTimeline, type Observation, round3 } from './analysis.ts';

export type StopReason = 'complete' | 'request budget' | 'time budget' | 'errors';

export interface RateLimitFindings {
  endpoint: string;
  limit: number | null;
  windowSeconds: number | null;
  rejectStatus: number | null;
  retryAfterSeconds: number | null;
  algorithm: Algorithm;
  requestsSent: number;
  found: boolean;
  message: string;
  tokensPerPeriod: number | null;
  windowLowSeconds: number | null;
  windowHighSeconds: number | null;
  windowBasis: string | null;
  retryAfterSent: boolean;
  retryAfterCorrect: boolean | null;
  readmittedAfterRetryAfter: boolean | null;
  unexpectedResponses: number;
  /** Answers over the limit that waited in the limiter's queue (late, not refused). */
  queued: number;
  elapsedSeconds: number;
  budget: { maxRequests: number; maxSeconds: number };
  stoppedBecause: StopReason;
  notes: string[];
}

export interface ProbeResult {
  rateLimit: RateLimitFindings;
  /** Every request: ms since the first one, status, Retry-After when sent. */
  timeline: Array<{ t: number; status: number; retryAfter?: number }>;
}

export function buildResult(
  endpoint: string,
  timeline: readonly Observation[],
  rejectStatuses: readonly number[],
  stoppedBecause: StopReason,
  maxRequests: number,
  maxSeconds: number,
): ProbeResult {
  const analysis = analyzeTimeline(timeline, { rejectStatuses });
  const first = timeline[0];
  const t0 = first ? first.t - (first.durationMs ?? 0) / 2 : 0;
  const last = timeline[timeline.length - 1];
  const found = analysis.limit !== null;
  const notes = [...analysis.notes];
  if (stoppedBecause === 'errors')
    notes.push(`stopped after ${analysis.unexpected} unexpected responses (5xx or none)`);
  if (stoppedBecause === 'request budget' || stoppedBecause === 'time budget') {
    notes.push(`stopped by the ${stoppedBecause} (${maxRequests} requests, ${maxSeconds} s)`);
  }
  return {
    rateLimit: {
      endpoint,
      limit: analysis.limit,
      windowSeconds: analysis.windowSeconds,
      rejectStatus: analysis.rejectStatus,
      retryAfterSeconds: analysis.retryAfterSeconds,
      algorithm: analysis.algorithm,
      requestsSent: timeline.length,
      found,
      message: found
        ? `${analysis.limit} requests per ${analysis.windowSeconds ?? '?'} s (${analysis.algorithm})${analysis.rejectStatus === null && analysis.queued > 0 ? ', requests over it queued (answered late, not refused)' : ''}`
        : 'no limit found within budget',
      tokensPerPeriod: analysis.tokensPerPeriod,
      windowLowSeconds: analysis.window ? round3(analysis.window.low) : null,
      windowHighSeconds: analysis.window ? round3(analysis.window.high) : null,
      windowBasis: analysis.window?.basis ?? null,
      retryAfterSent: analysis.retryAfterSent,
      retryAfterCorrect: analysis.retryAfterCorrect,
      readmittedAfterRetryAfter: analysis.readmittedAfterRetryAfter,
      unexpectedResponses: analysis.unexpected,
      queued: analysis.queued,
      elapsedSeconds: last ? round3((last.t + (last.durationMs ?? 0) / 2 - t0) / 1000) : 0,
      budget: { maxRequests, maxSeconds },
      stoppedBecause,
      notes,
    },
    timeline: timeline.map((o) => {
      const entry: { t: number; status: number; retryAfter?: number } = {
        t: Math.round(o.t - t0),
        status: o.status,
      };
      if (typeof o.retryAfter === 'number') entry.retryAfter = o.retryAfter;
      return entry;
    }),
  };
}
