import { CutoffCache, ExpiringInstants } from './cache.js';
import { CachedCutoffStore, type CutoffBackend, type StoredCutoff } from './cached-store.js';
import { type CutoffStore, type CutoffStoreOptions, resolveStoreSettings } from './store.js';

/** Signature digests seen within the replay window, forgotten once the window has passed. */
export class ReplayMemory extends ExpiringInstants {
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(windowMs: number, now: () => number) {
    super((expiry) => expiry <= now());
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Remembers digest; true when it was already remembered (a replay). */
  remember(digest: string): boolean {
    if (this.get(digest) !== undefined) return true;
    this.set(digest, this.#now() + this.#windowMs);
    return false;
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
