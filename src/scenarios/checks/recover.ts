/**
 * recover-password must not tell an attacker which addresses have accounts: the same status,
 * the same body and the same response time for a known and an unknown address (OWASP Forgot
 * Password Cheat Sheet). Known-address requests mail the recovery account, so these checks hold
 * it; every request counts against the rate limit, so timing is sampled within it.
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from '../../client/index.ts';
import { redactValue } from '../../redact/index.ts';
import type { CheckContext, TracedClient } from '../context.ts';
import { ensure } from '../expect.ts';
import { CheckSkipped, defineCheck } from '../registry.ts';
import { REF } from './common.ts';

/** Largest difference between the median response times we accept as "the same". */
export const TIMING_BUDGET_MS = 25;
const TIMING_PAIRS = 5;
const MIN_TIMING_PAIRS = 3;

/** Per-request values (trace ids, times) would differ even between two identical requests. */
const VOLATILE_KEYS = /^(trace-?id|request-?id|correlation-?id|timestamp|time|date|instance)$/i;

interface Answer {
  status: number;
  contentType: string;
  body: string;
  durationMs: number;
}

function unknownAddressLike(email: string): string {
  const domain = email.slice(email.lastIndexOf('@') + 1) || 'example.invalid';
  return `no-such-account-${randomBytes(6).toString('hex')}@${domain}`;
}

function normalise(body: unknown, addresses: string[]): string {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key]) => !VOLATILE_KEYS.test(key))
          .map(([key, item]) => [key, strip(item)]),
      );
    }
    if (typeof value === 'string')
      return addresses.reduce((text, address) => text.split(address).join('<address>'), value);
    return value;
  };
  return JSON.stringify(strip(redactValue(body)));
}

/**
 * Whether the two sides' timings are within the budget. The two answers of a pair are a few
 * milliseconds apart, so a slow moment of a busy machine lands on both: the median of the pairs'
 * differences cancels it, a difference of the two sides' medians does not. And a busy machine only
 * ever slows an answer, so each side's fastest answer is the closest to what the server itself
 * spends: a difference the server makes shows there too, on the same side.
 */
function timingVerdict(knownMs: number[], unknownMs: number[]) {
  const difference = median(knownMs.map((ms, i) => ms - unknownMs[i]!));
  const fastest = Math.min(...knownMs) - Math.min(...unknownMs);
  const sameSide = Math.sign(difference) === Math.sign(fastest);
  const within =
    Math.abs(difference) <= TIMING_BUDGET_MS || Math.abs(fastest) <= TIMING_BUDGET_MS || !sameSide;
  return { difference, fastest, within };
}

async function ask(
  ctx: CheckContext,
  email: string,
  addresses: string[],
  via?: TracedClient,
): Promise<Answer> {
  const traced = via ?? ctx.client();
  try {
    const response = await ctx.rateLimited('recover-password', () => traced.client.recoverPassword(email));
    const type = response.headers['content-type'];
    return {
      status: response.status,
      contentType: String(type ?? '')
        .split(';')[0]!
        .trim(),
      body: normalise(response.body, addresses),
      durationMs: traced.exchanges.at(-1)?.durationMs ?? response.durationMs,
    };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const type = error.headers['content-type'];
    return {
      status: error.status,
      contentType: String(type ?? '')
        .split(';')[0]!
        .trim(),
      body: normalise(error.problem ?? error.bodyText ?? '', addresses),
      durationMs: traced.exchanges.at(-1)?.durationMs ?? 0,
    };
  }
}

/**
 * Two equal answers prove nothing when both are failures (a target answering 500 to everything
 * reveals nothing, but is not doing recovery either): the known address must get the documented
 * success before the unknown one is compared with it.
 */
function ensureKnownSucceeded(ctx: CheckContext, answer: Answer): void {
  ensure(
    answer.status >= 200 && answer.status < 300,
    `POST ${ctx.target.paths.recoverPassword} for the known address must succeed before the answers can be compared; it got ${answer.status}`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export const recoverChecks = [
  defineCheck({
    id: 'recover.same-answer-for-unknown-address',
    rule: 'recover-password answers an unknown address with the same status and body as a known one',
    kind: 'security',
    enforces: 'no-enumeration',
    catches: ['recover-password-enumeration'],
    pacts: ['recover-password: a password recovery request for an address that belongs to no account'],
    severity: 'medium',
    references: [REF.forgotPassword, REF.accountEnumeration],
    needs: ['account:recovery'],
    uses: ['recovery'],
    async run(ctx) {
      const known = ctx.account('recovery').email;
      const unknown = unknownAddressLike(known);
      const addresses = [known, unknown];
      const a = await ask(ctx, known, addresses);
      ensureKnownSucceeded(ctx, a);
      const b = await ask(ctx, unknown, addresses);
      ensure(a.status === b.status, `a known address gets ${a.status}, an unknown one ${b.status}`);
      ensure(
        a.contentType === b.contentType,
        `a known address gets ${a.contentType || 'no content-type'}, an unknown one ${b.contentType || 'no content-type'}`,
      );
      ensure(a.body === b.body, `the bodies differ: known ${a.body}, unknown ${b.body}`);
    },
  }),

  defineCheck({
    id: 'recover.same-timing-for-unknown-address',
    rule: `recover-password answers known and unknown addresses within ${TIMING_BUDGET_MS} ms of each other (median difference of ${TIMING_PAIRS} back-to-back pairs, or between the fastest answers; ${TIMING_PAIRS * 3} pairs decide when the first ${TIMING_PAIRS} exceed it)`,
    kind: 'security',
    enforces: 'no-enumeration',
    catches: ['recover-password-timing'],
    severity: 'medium',
    references: [REF.forgotPassword, REF.accountEnumeration],
    needs: ['account:recovery'],
    uses: ['recovery'],
    disturbs: ['timing'],
    async run(ctx) {
      const known = ctx.account('recovery').email;
      const unknown = unknownAddressLike(known);
      const addresses = [known, unknown];
      const knownMs: number[] = [];
      const unknownMs: number[] = [];
      let stoppedBy: string | undefined;
      // One connection, opened before the first sample, so no sample pays for connection setup.
      const via = await ctx.burstClient(1, { waitOnRateLimit: true });
      const samplePairs = async (count: number) => {
        try {
          // Interleaved, so a slow moment of the machine hits both sides alike.
          for (let i = 0; i < count; i++) {
            const first = knownMs.length % 2 === 0 ? known : unknown;
            const second = first === known ? unknown : known;
            const a = await ask(ctx, first, addresses, via);
            const b = await ask(ctx, second, addresses, via);
            ensureKnownSucceeded(ctx, first === known ? a : b);
            (first === known ? knownMs : unknownMs).push(a.durationMs);
            (second === known ? knownMs : unknownMs).push(b.durationMs);
          }
        } catch (error) {
          if (!(error instanceof CheckSkipped)) throw error;
          stoppedBy = error.message;
        }
      };
      await samplePairs(TIMING_PAIRS);
      if (knownMs.length < MIN_TIMING_PAIRS) {
        ctx.skip(
          `the rate limit allowed only ${knownMs.length} sample pair(s), ${MIN_TIMING_PAIRS} are needed: ${stoppedBy ?? 'no reason given'}`,
        );
      }
      // Two looks, decided in advance: five pairs settle a clean server on a quiet machine; a
      // difference over the budget is measured again on three times the pairs, and those decide.
      // A server that leaks keeps its difference however many pairs are taken; a burst of other
      // work on the machine (six gates sharing one process once put 46 ms on every known answer
      // of five pairs) does not last through fifteen.
      let verdict = timingVerdict(knownMs, unknownMs);
      if (!verdict.within && stoppedBy === undefined) {
        await samplePairs(TIMING_PAIRS * 3 - knownMs.length);
        verdict = timingVerdict(knownMs, unknownMs);
      }
      const { difference, fastest } = verdict;
      ctx.trace(
        `median ${median(knownMs).toFixed(1)} ms for the known address, ${median(unknownMs).toFixed(1)} ms for an unknown one; median difference within a pair ${difference.toFixed(1)} ms, between the fastest answers ${fastest.toFixed(1)} ms (${knownMs.length} pairs)`,
      );
      ensure(
        verdict.within,
        `a ${difference > 0 ? 'known' : 'unknown'} address is answered ${Math.abs(difference).toFixed(0)} ms slower (median of ${knownMs.length} pairs; the fastest answers ${Math.abs(fastest).toFixed(0)} ms apart; budget ${TIMING_BUDGET_MS} ms): timing reveals which addresses have accounts`,
      );
    },
  }),
];
