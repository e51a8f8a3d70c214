import type { CallbackRequest } from './delivery.js';

/**
 * pending: not yet attempted; retrying: attempted, another attempt is scheduled; delivered: a 2xx;
 * failed: a final answer (4xx other than 408/429, or an unusable URL); dead: given up, see `reason`.
 */
export type DeliveryState = 'pending' | 'retrying' | 'delivered' | 'failed' | 'dead';

export const DELIVERY_STATES: readonly DeliveryState[] = [
  'pending',
  'retrying',
  'delivered',
  'failed',
  'dead',
];

/**
 * Why a delivery is dead. `expired_undelivered`: it could not be delivered within the receivers'
 * freshness window, after which any correct receiver rejects it as expired.
 */
export type DeadReason = 'expired_undelivered' | 'attempts_exhausted';

/** One signed callback to deliver, as the dispatcher hands it to the outbox. */
export interface NewDelivery extends CallbackRequest {
  readonly id: string;
  readonly serviceId: string;
  readonly userId: string;
  /** The moment of the Clear (epoch ms): the callback's api_time. */
  readonly loggedOutAt: number;
  /** Epoch ms after which receivers would reject the callback as expired: no attempt starts then. */
  readonly expiresAt: number;
  readonly createdAt: number;
}

export interface DeliveryStatus {
  readonly id: string;
  readonly serviceId: string;
  readonly userId: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly loggedOutAt: Date;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deliveredAt?: Date;
  /** When the next attempt may start (pending, retrying). */
  readonly nextAttemptAt?: Date;
  /** The last answer's HTTP status. */
  readonly lastStatus?: number;
  /** The last network error, timeout or refusal. */
  readonly lastError?: string;
  /** Why it is failed or dead. */
  readonly reason?: string;
}

export interface DeliveryFilter {
  readonly userId?: string;
  /** Newest first; default 100. */
  readonly limit?: number;
}

export type DeliveryListener = (status: DeliveryStatus) => void;

/** A durable queue of signed callbacks and the workers that deliver them, at least once. */
export interface Outbox {
  /**
   * True when enqueue() writes into the dispatcher's own SQLite database: it then runs inside the
   * Clear's transaction, synchronously.
   */
  readonly joinsTransaction: boolean;
  enqueue(deliveries: readonly NewDelivery[]): void | Promise<void>;
  get(id: string): Promise<DeliveryStatus | undefined>;
  list(filter?: DeliveryFilter): Promise<DeliveryStatus[]>;
  /** Called on every change of a delivery's state. Returns a function that unsubscribes. */
  subscribe(listener: DeliveryListener): () => void;
  /** Starts (or resumes, after a restart) delivering. */
  start(): Promise<void>;
  /** Resolves once nothing is pending or retrying; rejects after timeoutMs. */
  drained(timeoutMs: number): Promise<void>;
  /** Stops taking new work, waits for attempts in flight, and releases connections. */
  close(): Promise<void>;
}

/** Per-outbox delivery settings. */
export interface DeliverySettings {
  /** Attempts in flight at once to one service. Default 4. */
  readonly perServiceConcurrency?: number;
  /** Attempts in flight at once in all. Default 64. */
  readonly maxInFlight?: number;
  /**
   * How long close() lets attempts in flight finish before it aborts them, in ms. An aborted attempt
   * is not recorded: it is sent again after a restart. Default 2000.
   */
  readonly closeGraceMs?: number;
}

export const DEFAULT_CLOSE_GRACE_MS = 2000;
export const DEFAULT_PER_SERVICE_CONCURRENCY = 4;
export const DEFAULT_MAX_IN_FLIGHT = 64;
