import { randomUUID } from 'node:crypto';
import type { PrivateKeyInput } from '../protocol/keys.js';
import { signLogoutCallback } from '../protocol/sign.js';
import { toWholeSecond } from '../protocol/time.js';
import { openPlatformDatabase, type PlatformDatabase, persistentSetting } from './database.js';
import type { CallbackMethod } from './delivery.js';
import { PlatformInputError } from './errors.js';
import { KeyRing } from './keyring.js';
import type {
  DeliveryFilter,
  DeliveryListener,
  DeliverySettings,
  DeliveryStatus,
  NewDelivery,
  Outbox,
} from './outbox.js';
import { checkUserId, type Service, ServiceRegistry, type ServiceToRegister } from './registry.js';
import { type RetryPolicy, retryPolicyOf } from './retry-policy.js';
import { type SignInRequest, SignInRequests } from './sign-ins.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import { generateUserHashSecret, userHashFor } from './user-hash.js';

export interface DispatcherOptions extends DeliverySettings {
  /** The SQLite file (created if missing), ':memory:', or an open database. */
  readonly database: string | PlatformDatabase;
  /** The signing keys: a KeyRing, or one private key that becomes the active key. */
  readonly keys: KeyRing | PrivateKeyInput;
  /** Deliver through BullMQ on this Redis instead of the SQLite outbox (for many platform nodes). */
  readonly redisUrl?: string;
  /** The user_hash HMAC secret; default one made once and kept in the database. */
  readonly userHashSecret?: Uint8Array;
  /** The receivers' freshness window in seconds (default 300): undelivered by then, a callback is dead. */
  readonly freshnessWindowSeconds?: number;
  /** The callbacks' HTTP method. Default POST. */
  readonly method?: CallbackMethod;
  readonly retry?: Partial<RetryPolicy>;
  readonly now?: () => number;
}

export interface ClearResult {
  /** The moment of the Clear, in whole seconds: every callback's api_time. */
  readonly loggedOutAt: Date;
  readonly deliveries: ReadonlyArray<{ readonly id: string; readonly serviceId: string }>;
}

export interface SignInView extends SignInRequest {
  /** Given once the user approved. */
  readonly userHash?: string;
}

export const DEFAULT_FRESHNESS_WINDOW_SECONDS = 300;

/** Opens the database and the outbox, and starts delivering (resuming whatever a restart left pending). */
export async function createDispatcher(options: DispatcherOptions): Promise<Dispatcher> {
  const ownsDatabase = typeof options.database === 'string';
  const db = typeof options.database === 'string' ? openPlatformDatabase(options.database) : options.database;
  const retry = retryPolicyOf(options.retry);
  const settings = {
    retry,
    perServiceConcurrency: options.perServiceConcurrency,
    maxInFlight: options.maxInFlight,
    closeGraceMs: options.closeGraceMs,
  };
  let outbox: Outbox;
  if (options.redisUrl) {
    const { createBullMqOutbox } = await import('./bullmq-outbox.js');
    outbox = await createBullMqOutbox({ ...settings, redisUrl: options.redisUrl });
  } else {
    outbox = new SqliteOutbox(db, { ...settings, ...(options.now ? { now: options.now } : {}) });
  }
  const dispatcher = new Dispatcher(db, outbox, options, ownsDatabase);
  await outbox.start();
  return dispatcher;
}

/**
 * The platform side of the logout callback: services, users' authorizations with them, and Clear /
 * Clear All, each of which signs one callback per affected service and hands it to the outbox.
 */
export class Dispatcher {
  readonly keys: KeyRing;
  readonly registry: ServiceRegistry;
  readonly signIns: SignInRequests;
  readonly #db: PlatformDatabase;
  readonly #outbox: Outbox;
  readonly #ownsDatabase: boolean;
  readonly #secret: Uint8Array;
  readonly #windowMs: number;
  readonly #method: CallbackMethod;
  readonly #now: () => number;

  constructor(db: PlatformDatabase, outbox: Outbox, options: DispatcherOptions, ownsDatabase = false) {
    this.#db = db;
    this.#outbox = outbox;
    this.#ownsDatabase = ownsDatabase;
    this.#now = options.now ?? Date.now;
    this.keys = options.keys instanceof KeyRing ? options.keys : new KeyRing(options.keys);
    this.registry = new ServiceRegistry(db, this.#now);
    this.signIns = new SignInRequests(db, this.#now);
    this.#secret =
      options.userHashSecret ?? persistentSetting(db, 'user_hash_secret', generateUserHashSecret);
    this.#windowMs = (options.freshnessWindowSeconds ?? DEFAULT_FRESHNESS_WINDOW_SECONDS) * 1000;
    this.#method = options.method ?? 'POST';
  }

  registerService(input: ServiceToRegister): Service {
    return this.registry.register(input);
  }

  userHash(userId: string, serviceId: string): string {
    return userHashFor(this.#secret, serviceId, userId);
  }

  /** A service asks the user to sign in; the user decides on the authenticator. */
  startSignIn(serviceId: unknown, userId: unknown): SignInRequest {
    const service = this.registry.require(serviceId);
    return this.signIns.create(service.id, checkUserId(userId));
  }

  /** What the service sees when it polls: the status, and the user_hash once approved. */
  signIn(id: unknown): SignInView {
    const request = this.signIns.require(id);
    if (request.status !== 'approved') return request;
    return { ...request, userHash: this.userHash(request.userId, request.serviceId) };
  }

  approveSignIn(id: unknown): SignInView {
    const request = this.signIns.require(id);
    this.#db.transaction(() => {
      this.signIns.decide(request.id, 'approved');
      this.registry.authorize(request.userId, request.serviceId);
    })();
    return this.signIn(request.id);
  }

  denySignIn(id: unknown): SignInView {
    return this.signIns.decide(this.signIns.require(id).id, 'denied');
  }

  /** Grants a session-capable authorization directly (no sign-in request) and returns the user_hash. */
  authorize(userId: string, serviceId: string): string {
    this.registry.authorize(userId, serviceId);
    return this.userHash(userId, serviceId);
  }

  signedInServices(userId: string): Service[] {
    return this.registry.activeServices(userId);
  }

  /** Clear on one service: one signed callback, and the authorization ends. */
  async clear(userId: unknown, serviceId: unknown): Promise<ClearResult> {
    const user = checkUserId(userId);
    const service = this.registry.require(serviceId);
    return this.#clear(user, (active) => {
      const match = active.filter((s) => s.id === service.id);
      if (match.length === 0) {
        throw new PlatformInputError('not_signed_in', `${user} is not signed in to ${service.name}.`);
      }
      return match;
    });
  }

  /** Clear All: one signed callback per service the user is signed in to, each with its own user_hash. */
  async clearAll(userId: unknown): Promise<ClearResult> {
    return this.#clear(checkUserId(userId), (active) => active);
  }

  delivery(id: string): Promise<DeliveryStatus | undefined> {
    return this.#outbox.get(id);
  }

  deliveries(filter?: DeliveryFilter): Promise<DeliveryStatus[]> {
    return this.#outbox.list(filter);
  }

  subscribe(listener: DeliveryListener): () => void {
    return this.#outbox.subscribe(listener);
  }

  /** Resolves once every callback is delivered, failed or dead; rejects after timeoutMs. */
  drained(timeoutMs: number): Promise<void> {
    return this.#outbox.drained(timeoutMs);
  }

  async close(): Promise<void> {
    await this.#outbox.close();
    if (this.#ownsDatabase) this.#db.close();
  }

  async #clear(userId: string, pick: (active: Service[]) => Service[]): Promise<ClearResult> {
    const loggedOutAt = toWholeSecond(new Date(this.#now()));
    const prepare = () =>
      pick(this.registry.activeServices(userId)).map((s) => this.#sign(userId, s, loggedOutAt));
    const end = (deliveries: readonly NewDelivery[]) =>
      this.registry.endAuthorizations(
        userId,
        deliveries.map((d) => d.serviceId),
      );
    let deliveries: NewDelivery[];
    if (this.#outbox.joinsTransaction) {
      deliveries = this.#db.transaction(() => {
        const signed = prepare();
        this.#outbox.enqueue(signed);
        end(signed);
        return signed;
      })();
    } else {
      // Enqueued before the authorizations end: a crash in between re-sends, it never loses one.
      deliveries = prepare();
      await this.#outbox.enqueue(deliveries);
      this.#db.transaction(end)(deliveries);
    }
    return { loggedOutAt, deliveries: deliveries.map((d) => ({ id: d.id, serviceId: d.serviceId })) };
  }

  /** Signs once: the stored query is what every attempt sends. */
  #sign(userId: string, service: Service, loggedOutAt: Date): NewDelivery {
    const signed = signLogoutCallback(
      { userHash: this.userHash(userId, service.id), loggedOutAt, parameter: service.parameter },
      this.keys.signingKey,
    );
    return {
      id: randomUUID(),
      serviceId: service.id,
      userId,
      callbackUrl: service.callbackUrl,
      method: this.#method,
      query: signed.query,
      loggedOutAt: loggedOutAt.getTime(),
      expiresAt: loggedOutAt.getTime() + this.#windowMs,
      createdAt: this.#now(),
    };
  }
}
