import { type PlatformDatabase, statement } from './database.js';
import { type AttemptResult, attemptDelivery, createDeliveryAgents } from './delivery.js';
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

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  service_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  callback_url TEXT NOT NULL,
  method TEXT NOT NULL,
  query TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  logged_out_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  delivered_at INTEGER,
  last_status INTEGER,
  last_error TEXT,
  reason TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (service_id, next_attempt_at)
  WHERE state IN ('pending', 'retrying');
CREATE INDEX IF NOT EXISTS deliveries_user ON deliveries (user_id, created_at);`;

const ACTIVE = "state IN ('pending', 'retrying')";

interface DeliveryRow {
  id: string;
  service_id: string;
  user_id: string;
  callback_url: string;
  method: 'POST' | 'GET';
  query: string;
  state: DeliveryState;
  attempts: number;
  logged_out_at: number;
  expires_at: number;
  created_at: number;
  updated_at: number;
  next_attempt_at: number;
  delivered_at: number | null;
  last_status: number | null;
  last_error: string | null;
  reason: string | null;
}

function optional<K extends string, V>(key: K, value: V | null): { [P in K]?: V } {
  return (value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

function statusOf(row: DeliveryRow): DeliveryStatus {
  const active = row.state === 'pending' || row.state === 'retrying';
  return {
    id: row.id,
    serviceId: row.service_id,
    userId: row.user_id,
    state: row.state,
    attempts: row.attempts,
    loggedOutAt: new Date(row.logged_out_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    ...(row.delivered_at === null ? {} : { deliveredAt: new Date(row.delivered_at) }),
    ...(active ? { nextAttemptAt: new Date(row.next_attempt_at) } : {}),
    ...optional('lastStatus', row.last_status),
    ...optional('lastError', row.last_error),
    ...optional('reason', row.reason),
  };
}

export interface SqliteOutboxOptions extends DeliverySettings {
  readonly retry?: RetryPolicy;
  /** The longest wait between looks at the table, in ms (picks up rows other writers added). Default 1000. */
  readonly pollMs?: number;
  readonly now?: () => number;
}

/**
 * The default outbox: a table in the platform's SQLite database, written in the Clear's transaction,
 * and an in-process worker that delivers due rows with a per-service concurrency limit, so a service
 * that hangs holds only its own slots. Attempts in flight are not marked in the table: after a crash
 * they are simply sent again (at-least-once).
 */
export class SqliteOutbox implements Outbox {
  readonly joinsTransaction = true;
  readonly #db: PlatformDatabase;
  readonly #policy: RetryPolicy;
  readonly #perService: number;
  readonly #maxInFlight: number;
  readonly #pollMs: number;
  readonly #now: () => number;
  readonly #agents = createDeliveryAgents();
  readonly #listeners = new Set<DeliveryListener>();
  readonly #inFlight = new Map<string, Set<string>>();
  readonly #attempts = new Set<Promise<void>>();
  readonly #services = new Set<string>();
  readonly #shutdown = new AbortController();
  readonly #closeGraceMs: number;
  #inFlightCount = 0;
  #running = false;
  #pumpQueued = false;
  #timer: NodeJS.Timeout | undefined;
  /** Outcomes waiting to be written: one transaction (one fsync) per tick, not one per attempt. */
  #outcomes: Array<{ row: DeliveryRow; written: () => void }> = [];

  constructor(db: PlatformDatabase, options: SqliteOutboxOptions = {}) {
    this.#db = db;
    this.#policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.#perService = options.perServiceConcurrency ?? DEFAULT_PER_SERVICE_CONCURRENCY;
    this.#maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    this.#pollMs = options.pollMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#closeGraceMs = options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS;
    db.exec(SCHEMA);
  }

  enqueue(deliveries: readonly NewDelivery[]): void {
    const insert = statement(
      this.#db,
      `INSERT INTO deliveries (id, service_id, user_id, callback_url, method, query, state, logged_out_at,
         expires_at, created_at, updated_at, next_attempt_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
    );
    for (const d of deliveries) {
      insert.run(
        d.id,
        d.serviceId,
        d.userId,
        d.callbackUrl,
        d.method,
        d.query,
        d.loggedOutAt,
        d.expiresAt,
        d.createdAt,
        d.createdAt,
        d.createdAt,
      );
      this.#services.add(d.serviceId);
    }
    // The caller's transaction commits before this runs.
    this.#schedulePump();
  }

  async get(id: string): Promise<DeliveryStatus | undefined> {
    const row = statement(this.#db, 'SELECT * FROM deliveries WHERE id = ?').get(id) as
      | DeliveryRow
      | undefined;
    return row && statusOf(row);
  }

  async list(filter: DeliveryFilter = {}): Promise<DeliveryStatus[]> {
    const limit = filter.limit ?? 100;
    const rows = (
      filter.userId === undefined
        ? statement(this.#db, 'SELECT * FROM deliveries ORDER BY created_at DESC, id LIMIT ?').all(limit)
        : statement(
            this.#db,
            'SELECT * FROM deliveries WHERE user_id = ? ORDER BY created_at DESC, id LIMIT ?',
          ).all(filter.userId, limit)
    ) as DeliveryRow[];
    return rows.map(statusOf);
  }

  subscribe(listener: DeliveryListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const rows = statement(
      this.#db,
      `SELECT DISTINCT service_id FROM deliveries WHERE ${ACTIVE}`,
    ).all() as Array<{
      service_id: string;
    }>;
    for (const row of rows) this.#services.add(row.service_id);
    this.#schedulePump();
  }

  async drained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const count = statement(this.#db, `SELECT COUNT(*) AS n FROM deliveries WHERE ${ACTIVE}`);
    while ((count.get() as { n: number }).n > 0 || this.#inFlightCount > 0) {
      if (Date.now() >= deadline) throw new Error(`The outbox did not drain within ${timeoutMs} ms.`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    const settled = Promise.allSettled([...this.#attempts]);
    const grace = setTimeout(() => this.#shutdown.abort(), this.#closeGraceMs);
    await settled;
    clearTimeout(grace);
    this.#agents.destroy();
  }

  #schedulePump(): void {
    if (!this.#running || this.#pumpQueued) return;
    this.#pumpQueued = true;
    setImmediate(() => {
      this.#pumpQueued = false;
      if (this.#running) this.#pump();
    });
  }

  /** Starts every due delivery there is room for, then sleeps until the next one is due. */
  #pump(): void {
    const now = this.#now();
    let nextDue = now + this.#pollMs;
    for (const serviceId of this.#services) {
      const busy = this.#inFlight.get(serviceId) ?? new Set<string>();
      const room = Math.min(this.#perService - busy.size, this.#maxInFlight - this.#inFlightCount);
      if (room <= 0) continue;
      const rows = statement(
        this.#db,
        `SELECT * FROM deliveries WHERE service_id = ? AND ${ACTIVE}
             AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY next_attempt_at LIMIT ?`,
      ).all(serviceId, JSON.stringify([...busy]), room) as DeliveryRow[];
      for (const row of rows) {
        if (row.next_attempt_at > now) {
          nextDue = Math.min(nextDue, row.next_attempt_at);
          break;
        }
        this.#launch(row, busy);
      }
    }
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#schedulePump(), Math.max(0, nextDue - now));
  }

  #launch(row: DeliveryRow, busy: Set<string>): void {
    busy.add(row.id);
    this.#inFlight.set(row.service_id, busy);
    this.#inFlightCount++;
    const attempt = this.#attempt(row).finally(() => {
      busy.delete(row.id);
      this.#inFlightCount--;
      this.#attempts.delete(attempt);
      this.#schedulePump();
    });
    this.#attempts.add(attempt);
  }

  async #attempt(row: DeliveryRow): Promise<void> {
    if (this.#now() >= row.expires_at) {
      return this.#record(row, { verdict: 'retry', error: 'not attempted: past the freshness window' }, true);
    }
    const request = { callbackUrl: row.callback_url, query: row.query, method: row.method };
    const result = await attemptDelivery(request, {
      timeoutMs: this.#policy.timeoutMs,
      agents: this.#agents,
      signal: this.#shutdown.signal,
    });
    // Cut short by close(): not an attempt; the row is sent again after a restart.
    if (!this.#shutdown.signal.aborted) await this.#record(row, result, false);
  }

  /** Resolves once the outcome is written: only then may the row be picked again. */
  #record(row: DeliveryRow, result: AttemptResult, expired: boolean): Promise<void> {
    const now = this.#now();
    const attempts = expired ? row.attempts : row.attempts + 1;
    const step = expired
      ? ({ state: 'dead', reason: 'expired_undelivered' } as const)
      : nextStep(result, attempts, row.expires_at, this.#policy, now);
    const updated: DeliveryRow = {
      ...row,
      state: step.state,
      attempts,
      updated_at: now,
      next_attempt_at: step.state === 'retrying' ? step.nextAttemptAt : row.next_attempt_at,
      delivered_at: step.state === 'delivered' ? now : null,
      last_status: result.status ?? null,
      last_error: result.error ?? null,
      reason: 'reason' in step ? step.reason : null,
    };
    return new Promise((written) => {
      if (this.#outcomes.length === 0) setImmediate(() => this.#writeOutcomes());
      this.#outcomes.push({ row: updated, written });
    });
  }

  #writeOutcomes(): void {
    const batch = this.#outcomes;
    this.#outcomes = [];
    const update = statement(
      this.#db,
      `UPDATE deliveries SET state = @state, attempts = @attempts, updated_at = @updated_at,
         next_attempt_at = @next_attempt_at, delivered_at = @delivered_at, last_status = @last_status,
         last_error = @last_error, reason = @reason WHERE id = @id`,
    );
    this.#db.transaction(() => {
      for (const { row } of batch) update.run(row);
    })();
    for (const { row, written } of batch) {
      written();
      const status = statusOf(row);
      for (const listener of this.#listeners) listener(status);
    }
  }
}
