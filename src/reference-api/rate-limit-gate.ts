/**
 * `DefaultRateLimitAuth` at the HTTP edge, as ASP.NET's partitioned limiter middleware behaves:
 * one limiter per partition (client IP, or one shared), created at the partition's first request
 * so its windows are anchored there; with a queue limit, excess requests wait (the client sees
 * latency) until the queue is full; a rejection answers the configured status with or without a
 * body and with the configured `Retry-After` reading.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply } from 'fastify';
import type { Clock } from './clock.ts';
import type { ApiContext } from './context.ts';
import { HttpProblem } from './problem.ts';
import {
  type AcquireResult,
  createLimiter,
  type Limiter,
  type LimitsOptions,
  type ReplenishmentTimer,
  retryAfterSeconds,
} from './rate-limiter.ts';

const QUEUE_POLL_MS = 100;

interface Partition {
  limiter: Limiter;
  /** Requests waiting for a permit, oldest first (ASP.NET's QueueProcessingOrder.OldestFirst). */
  queued: number;
  /** Resolves in turn: a queued request waits for the one ahead of it. */
  tail: Promise<void>;
}

export class PartitionedLimiter {
  readonly #partitions = new Map<string, Partition>();
  /** ASP.NET starts one replenishment timer per limiter; its ticks are not aligned to partitions. */
  #timer: ReplenishmentTimer | undefined;

  constructor(
    readonly limits: LimitsOptions,
    readonly clock: Clock,
  ) {
    this.#timer = this.#newTimer();
  }

  #newTimer(): ReplenishmentTimer | undefined {
    const tickMs = this.limits.replenishmentTimerMs;
    return tickMs > 0 ? { tickMs, originMs: this.clock.now() } : undefined;
  }

  #partition(clientIp: string): Partition {
    const key = this.limits.partitionBy === 'ip' ? clientIp : '*';
    let partition = this.#partitions.get(key);
    if (!partition) {
      const limiter = createLimiter(this.limits, this.clock.now(), this.#timer);
      partition = { limiter, queued: 0, tail: Promise.resolve() };
      this.#partitions.set(key, partition);
    }
    return partition;
  }

  /** One attempt, no queueing (synchronous: concurrent requests cannot be over-admitted). */
  tryAcquire(clientIp: string): AcquireResult {
    return this.#partition(clientIp).limiter.tryAcquire(this.clock.now());
  }

  /**
   * A permit, or a rejection. With a queue limit, a request that finds no permit — or others
   * already waiting — waits its turn while the queue has room, polling when the limiter says a
   * permit comes back.
   */
  async acquire(clientIp: string): Promise<AcquireResult> {
    const partition = this.#partition(clientIp);
    if (partition.queued === 0) {
      const lease = partition.limiter.tryAcquire(this.clock.now());
      if (lease.admitted || this.limits.queueLimit === 0) return lease;
    }
    if (partition.queued >= this.limits.queueLimit) {
      const lease = partition.limiter.tryAcquire(this.clock.now());
      if (!lease.admitted) return lease;
      // A permit came back between two polls of the queue: the head of the queue is owed it.
      return { admitted: false, retryAfterMs: 0, metadataMs: undefined };
    }
    partition.queued++;
    const ahead = partition.tail;
    let release = () => {};
    partition.tail = new Promise((resolve) => {
      release = resolve;
    });
    try {
      await ahead;
      for (;;) {
        const lease = partition.limiter.tryAcquire(this.clock.now());
        if (lease.admitted) return lease;
        // Polled like ASP.NET's 100 ms replenishment timer serves its queue; a moved clock is seen soon.
        await sleep(Math.min(QUEUE_POLL_MS, Math.max(1, lease.retryAfterMs)));
      }
    } finally {
      partition.queued--;
      release();
    }
  }

  reset(): void {
    this.#partitions.clear();
    this.#timer = this.#newTimer();
  }
}

/**
 * Answers a rejection as the limits say. With a body it throws the problem, so the app's error
 * handler renders it like every other error; without one it sends an empty answer, as ASP.NET's
 * middleware does when no OnRejected writes a body.
 */
export function reject(
  reply: FastifyReply,
  lease: Extract<AcquireResult, { admitted: false }>,
  ctx: ApiContext,
): FastifyReply {
  const { limits } = ctx.options;
  const honest = ctx.defects.has('rate-limit-no-retry-after')
    ? undefined
    : retryAfterSeconds(lease, limits.retryAfter);
  const seconds = honest !== undefined && ctx.defects.has('retry-after-too-short') ? 1 : honest;
  const headers: Record<string, string> = seconds === undefined ? {} : { 'retry-after': String(seconds) };
  if (!limits.rejectBody) return reply.code(limits.rejectStatus).headers(headers).send();
  const wait = seconds ?? Math.max(1, Math.ceil(lease.retryAfterMs / 1000));
  throw new HttpProblem(
    limits.rejectStatus,
    limits.rejectStatus === 429 ? 'Too Many Requests' : 'Service Unavailable',
    `the rate limit DefaultRateLimitAuth is exhausted; a permit is free again in ${wait} s`,
    { headers },
  );
}
