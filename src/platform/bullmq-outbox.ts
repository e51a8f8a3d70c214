import type { Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { LogoutCallbackConfigError } from '../protocol/errors.js';
import { attemptDelivery, createDeliveryAgents } from './delivery.js';
import {
  DEFAULT_CLOSE_GRACE_MS,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_PER_SERVICE_CONCURRENCY,
  type DeliveryFilter,
  type DeliveryListener,
  type DeliverySettings,
  type DeliveryState,
  type DeliveryStatus,
  type NewDelivery,
  type Outbox,
} from './outbox.js';
import { DEFAULT_RETRY_POLICY, nextStep, type RetryPolicy } from './retry-policy.js';

type BullMq = typeof import('bullmq');

export interface BullMqOutboxOptions extends DeliverySettings {
  /** redis://[user:password@]host:port[/db] */
  readonly redisUrl: string;
  /** The queue's name; every platform node that shares the work uses the same one. Default `logout-callbacks`. */
  readonly queueName?: string;
  readonly retry?: RetryPolicy;
}

/** A job's data: the signed callback, stored once, and what its attempts found. */
interface JobData extends NewDelivery {
  attempts: number;
  updatedAt: number;
  nextAttemptAt?: number;
  deliveredAt?: number;
  lastStatus?: number;
  lastError?: string;
  reason?: string;
}

const BUSY_SERVICE_RECHECK_MS = 100;
const KEEP_FINISHED_SECONDS = 7 * 86_400;

function connectionOf(redisUrl: string) {
  const url = new URL(redisUrl);
  if (url.protocol !== 'redis:') {
    throw new LogoutCallbackConfigError('invalid_option', `Expected a redis:// URL, got ${url.protocol}`);
  }
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: Number(url.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
  };
}

async function loadBullMq(): Promise<BullMq> {
  try {
    return await import('bullmq');
  } catch (error) {
    throw new LogoutCallbackConfigError(
      'invalid_option',
      'The Redis outbox needs the optional peer dependency bullmq: npm install bullmq',
      { cause: error },
    );
  }
}

function stateOf(jobState: string, data: JobData): DeliveryState {
  if (jobState === 'completed') return 'delivered';
  if (jobState === 'failed') {
    return data.reason === 'expired_undelivered' || data.reason === 'attempts_exhausted' ? 'dead' : 'failed';
  }
  return data.attempts > 0 ? 'retrying' : 'pending';
}

function statusOf(state: DeliveryState, data: JobData): DeliveryStatus {
  const active = state === 'pending' || state === 'retrying';
  return {
    id: data.id,
    serviceId: data.serviceId,
    userId: data.userId,
    state,
    attempts: data.attempts,
    loggedOutAt: new Date(data.loggedOutAt),
    createdAt: new Date(data.createdAt),
    updatedAt: new Date(data.updatedAt),
    ...(data.deliveredAt === undefined ? {} : { deliveredAt: new Date(data.deliveredAt) }),
    ...(active ? { nextAttemptAt: new Date(data.nextAttemptAt ?? data.createdAt) } : {}),
    ...(data.lastStatus === undefined ? {} : { lastStatus: data.lastStatus }),
    ...(data.lastError === undefined ? {} : { lastError: data.lastError }),
    ...(data.reason === undefined ? {} : { reason: data.reason }),
  };
}

/**
 * The outbox for many platform nodes: a BullMQ queue on Redis, one job per signed callback (job id =
 * delivery id), retried by moving the job to `delayed` at the time the shared retry policy picks.
 * The per-service limit holds per node: a job whose service is at its limit waits, delayed, without
 * taking a worker slot. bullmq is loaded only when this outbox is created.
 */
export async function createBullMqOutbox(options: BullMqOutboxOptions): Promise<Outbox> {
  const bullmq = await loadBullMq();
  const { Redis } = await import('ioredis');
  const index = new Redis({ ...connectionOf(options.redisUrl), lazyConnect: false });
  index.on('error', () => {
    // Reconnects by itself; see the queue's note.
  });
  return new BullMqOutbox(bullmq, index, options);
}

class BullMqOutbox implements Outbox {
  readonly joinsTransaction = false;
  readonly #bullmq: BullMq;
  readonly #connection: ReturnType<typeof connectionOf>;
  readonly #queueName: string;
  readonly #queue: Queue<JobData>;
  /** Each user's deliveries, newest last: a sorted set per user beside the queue. */
  readonly #index: Redis;
  readonly #policy: RetryPolicy;
  readonly #perService: number;
  readonly #maxInFlight: number;
  readonly #agents = createDeliveryAgents();
  readonly #listeners = new Set<DeliveryListener>();
  readonly #busy = new Map<string, number>();
  readonly #shutdown = new AbortController();
  readonly #closeGraceMs: number;
  #worker: Worker<JobData> | undefined;

  constructor(bullmq: BullMq, index: Redis, options: BullMqOutboxOptions) {
    this.#bullmq = bullmq;
    this.#index = index;
    this.#connection = connectionOf(options.redisUrl);
    this.#queueName = options.queueName ?? 'logout-callbacks';
    this.#policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.#perService = options.perServiceConcurrency ?? DEFAULT_PER_SERVICE_CONCURRENCY;
    this.#maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.#closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
    this.#queue = new bullmq.Queue<JobData>(this.#queueName, { connection: this.#connection });
    this.#queue.on('error', () => {
      // ioredis reconnects by itself; commands fail (and callers see it) meanwhile.
    });
  }

  #userKey(userId: string): string {
    return `lc:${this.#queueName}:user:${userId}`;
  }

  async enqueue(deliveries: readonly NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const byUser = new Map<string, Array<string | number>>();
    for (const d of deliveries) byUser.set(d.userId, [...(byUser.get(d.userId) ?? []), d.createdAt, d.id]);
    await Promise.all(
      [...byUser].map(([userId, members]) => this.#index.zadd(this.#userKey(userId), ...members)),
    );
    await this.#queue.addBulk(
      deliveries.map((d) => ({
        name: 'callback',
        data: { ...d, attempts: 0, updatedAt: d.createdAt },
        opts: {
          jobId: d.id,
          attempts: 1,
          removeOnComplete: { age: KEEP_FINISHED_SECONDS },
          removeOnFail: { age: KEEP_FINISHED_SECONDS },
        },
      })),
    );
  }

  async get(id: string): Promise<DeliveryStatus | undefined> {
    const job = (await this.#queue.getJob(id)) as Job<JobData> | undefined;
    if (!job) return undefined;
    return statusOf(stateOf(await job.getState(), job.data), job.data);
  }

  async list(filter: DeliveryFilter = {}): Promise<DeliveryStatus[]> {
    const limit = filter.limit ?? 100;
    let ids: string[];
    if (filter.userId === undefined) {
      const jobs = await this.#queue.getJobs(
        ['waiting', 'active', 'delayed', 'completed', 'failed'],
        0,
        limit - 1,
      );
      ids = jobs.flatMap((job) => (job?.id ? [job.id] : []));
    } else {
      ids = await this.#index.zrevrange(this.#userKey(filter.userId), 0, limit - 1);
    }
    const statuses = await Promise.all(ids.map((id) => this.get(id)));
    return statuses
      .filter((status): status is DeliveryStatus => status !== undefined)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  subscribe(listener: DeliveryListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.#worker) return;
    this.#worker = new this.#bullmq.Worker<JobData>(
      this.#queueName,
      (job, token) => this.#process(job, token),
      {
        connection: this.#connection,
        concurrency: this.#maxInFlight,
      },
    );
    this.#worker.on('error', () => {
      // As for the queue: reconnection is ioredis's job; jobs stay in Redis meanwhile.
    });
    await this.#worker.waitUntilReady();
  }

  async drained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.#queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
      if (Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() >= deadline) throw new Error(`The outbox did not drain within ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    const grace = setTimeout(() => this.#shutdown.abort(), this.#closeGraceMs);
    await this.#worker?.close();
    clearTimeout(grace);
    this.#worker = undefined;
    await this.#queue.close();
    await this.#index.quit().catch(() => this.#index.disconnect());
    this.#agents.destroy();
  }

  async #process(job: Job<JobData>, token: string | undefined): Promise<void> {
    const { DelayedError, UnrecoverableError } = this.#bullmq;
    const data = job.data;
    const now = Date.now();
    if (now >= data.expiresAt) {
      await this.#save(job, 'dead', { ...data, updatedAt: now, reason: 'expired_undelivered' });
      throw new UnrecoverableError('expired_undelivered');
    }
    const busy = this.#busy.get(data.serviceId) ?? 0;
    if (busy >= this.#perService) {
      await job.moveToDelayed(now + BUSY_SERVICE_RECHECK_MS * (1 + Math.random()), token);
      throw new DelayedError();
    }
    this.#busy.set(data.serviceId, busy + 1);
    let result: Awaited<ReturnType<typeof attemptDelivery>>;
    try {
      result = await attemptDelivery(data, {
        timeoutMs: this.#policy.timeoutMs,
        agents: this.#agents,
        signal: this.#shutdown.signal,
      });
    } finally {
      this.#busy.set(data.serviceId, (this.#busy.get(data.serviceId) ?? 1) - 1);
    }
    if (this.#shutdown.signal.aborted) {
      // Cut short by close(): not an attempt; the job waits for the next worker.
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    const attempts = data.attempts + 1;
    const at = Date.now();
    const step = nextStep(result, attempts, data.expiresAt, this.#policy, at);
    const next: JobData = {
      ...data,
      attempts,
      updatedAt: at,
      ...(result.status === undefined ? {} : { lastStatus: result.status }),
      ...(result.error === undefined ? {} : { lastError: result.error }),
      ...(step.state === 'delivered' ? { deliveredAt: at } : {}),
      ...(step.state === 'retrying' ? { nextAttemptAt: step.nextAttemptAt } : {}),
      ...('reason' in step ? { reason: step.reason } : {}),
    };
    await this.#save(job, step.state, next);
    if (step.state === 'delivered') return;
    if (step.state === 'retrying') {
      await job.moveToDelayed(step.nextAttemptAt, token);
      throw new DelayedError();
    }
    throw new UnrecoverableError(step.reason);
  }

  async #save(job: Job<JobData>, state: DeliveryState, data: JobData): Promise<void> {
    await job.updateData(data);
    const status = statusOf(state, data);
    for (const listener of this.#listeners) listener(status);
  }
}
