import type { CutoffCache } from './cache.js';
import { isEndedBy, nextCutoff, toMillis } from './model.js';
import {
  type CutoffStore,
  type LogoutToRecord,
  type RecordedLogout,
  type StalePolicy,
  type StoreHealth,
  type StoreSettings,
  StoreUnavailableError,
} from './store.js';

/** A cutoff as the backing storage holds it after a write. */
export interface StoredCutoff {
  readonly cutoff: number;
  readonly duplicate: boolean;
}

/** Where a store keeps cutoffs durably (or not); the in-process cache is shared by all of them. */
export interface CutoffBackend {
  /** Raises the stored cutoff to at least candidate and remembers signatureDigest for the replay window. */
  record(userHash: string, candidate: number, signatureDigest: string): Promise<StoredCutoff>;
  /** Forgets moot cutoffs and expired replay digests in storage. */
  sweep(): void | Promise<void>;
  /** Whether the cache may have missed cutoffs for longer than allowed. */
  isStale(): boolean;
  /** Why the backend is unhealthy, or undefined when it is fine. */
  problem(): string | undefined;
  close(): Promise<void>;
}

/** A CutoffStore: writes go to the backend, session checks read the in-process cache only. */
export class CachedCutoffStore implements CutoffStore {
  readonly #cache: CutoffCache;
  readonly #backend: CutoffBackend;
  readonly #stalePolicy: StalePolicy;
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  constructor(cache: CutoffCache, backend: CutoffBackend, settings: StoreSettings) {
    this.#cache = cache;
    this.#backend = backend;
    this.#stalePolicy = settings.stalePolicy;
    this.#sweeper = setInterval(() => void this.#sweep(), settings.sweepIntervalMs).unref();
  }

  async recordLogout(logout: LogoutToRecord): Promise<RecordedLogout> {
    if (this.#closed) throw new StoreUnavailableError('the cutoff store is closed');
    const candidate = candidateCutoff(logout);
    let stored: StoredCutoff;
    try {
      stored = await this.#backend.record(logout.userHash, candidate, logout.signatureDigest);
    } catch (error) {
      throw asUnavailable(error);
    }
    const cutoff = this.#cache.merge(logout.userHash, Math.max(candidate, stored.cutoff));
    return { cutoff: new Date(cutoff), duplicate: stored.duplicate };
  }

  cutoffOf(userHash: string): Date | undefined {
    const cutoff = this.#cache.get(userHash);
    return cutoff === undefined ? undefined : new Date(cutoff);
  }

  isSessionLive(userHash: string, startedAt: Date | number): boolean {
    if (this.#stalePolicy === 'closed' && this.#backend.isStale()) return false;
    return !isEndedBy(toMillis(startedAt), this.#cache.get(userHash));
  }

  health(): StoreHealth {
    const problem = this.#closed ? 'closed' : this.#backend.problem();
    return {
      ok: problem === undefined,
      stale: this.#backend.isStale(),
      stalePolicy: this.#stalePolicy,
      cachedCutoffs: this.#cache.size,
      ...(problem === undefined ? {} : { detail: problem }),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    await this.#backend.close();
  }

  async #sweep(): Promise<void> {
    this.#cache.sweep();
    try {
      await this.#backend.sweep();
    } catch {
      // Storage that cannot be swept now is swept at the next interval.
    }
  }
}

/** The cutoff a verified logout asks for, before the max with what is already stored. */
function candidateCutoff(logout: LogoutToRecord): number {
  if (typeof logout.userHash !== 'string' || logout.userHash === '') {
    throw new TypeError('recordLogout: userHash must be a non-empty string');
  }
  const candidate = nextCutoff(undefined, logout.loggedOutAt.getTime(), logout.receivedAt.getTime());
  if (!Number.isFinite(candidate))
    throw new TypeError('recordLogout: loggedOutAt and receivedAt must be valid dates');
  return candidate;
}

function asUnavailable(error: unknown): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`the cutoff could not be stored: ${reason}`, { cause: error });
}
