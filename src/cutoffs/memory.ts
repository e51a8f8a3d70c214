import { CutoffCache } from './cache.js';
import { CachedCutoffStore, type CutoffBackend, type StoredCutoff } from './cached-store.js';
import { type CutoffStore, type CutoffStoreOptions, resolveStoreSettings } from './store.js';

/** Signature digests seen within the replay window, forgotten once the window has passed. */
export class ReplayMemory {
  readonly #expiries = new Map<string, number>();
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(windowMs: number, now: () => number) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  get size(): number {
    return this.#expiries.size;
  }

  /** Remembers digest; true when it was already remembered (a replay). */
  remember(digest: string): boolean {
    const now = this.#now();
    const expiry = this.#expiries.get(digest);
    if (expiry !== undefined && expiry > now) return true;
    this.#expiries.set(digest, now + this.#windowMs);
    return false;
  }

  sweep(): void {
    const now = this.#now();
    for (const [digest, expiry] of this.#expiries) {
      if (expiry <= now) this.#expiries.delete(digest);
    }
  }
}

/** Keeps cutoffs in the process only: for tests and single-process use; nothing survives a restart. */
class MemoryBackend implements CutoffBackend {
  readonly #replays: ReplayMemory;

  constructor(replays: ReplayMemory) {
    this.#replays = replays;
  }

  async record(_userHash: string, candidate: number, signatureDigest: string): Promise<StoredCutoff> {
    return { cutoff: candidate, duplicate: this.#replays.remember(signatureDigest) };
  }

  sweep(): void {
    this.#replays.sweep();
  }

  isStale(): boolean {
    return false;
  }

  problem(): undefined {
    return undefined;
  }

  async close(): Promise<void> {}
}

export function createMemoryCutoffStore(options: CutoffStoreOptions = {}): CutoffStore {
  const settings = resolveStoreSettings(options);
  const cache = new CutoffCache(settings.maxSessionAgeMs, settings.now);
  const backend = new MemoryBackend(new ReplayMemory(settings.replayWindowMs, settings.now));
  return new CachedCutoffStore(cache, backend, settings);
}
