import { isMoot } from './model.js';

/**
 * A map key → instant (epoch ms) whose entries expire by a rule on the instant. Expired entries
 * are forgotten lazily on lookup and by sweep(), so memory stays bounded.
 */
export class ExpiringInstants {
  readonly #instants = new Map<string, number>();
  readonly #isExpired: (instant: number) => boolean;

  constructor(isExpired: (instant: number) => boolean) {
    this.#isExpired = isExpired;
  }

  get size(): number {
    return this.#instants.size;
  }

  get(key: string): number | undefined {
    const instant = this.#instants.get(key);
    if (instant === undefined || !this.#isExpired(instant)) return instant;
    this.#instants.delete(key);
    return undefined;
  }

  /** Forgets every expired entry; returns how many. */
  sweep(): number {
    let forgotten = 0;
    for (const [key, instant] of this.#instants) {
      if (this.#isExpired(instant)) {
        this.#instants.delete(key);
        forgotten += 1;
      }
    }
    return forgotten;
  }

  *live(): IterableIterator<[key: string, instant: number]> {
    for (const entry of this.#instants) {
      if (!this.#isExpired(entry[1])) yield entry;
    }
  }

  protected set(key: string, instant: number): void {
    if (!this.#isExpired(instant)) this.#instants.set(key, instant);
  }
}

/**
 * The in-process map user_hash → cutoff that every store answers session checks from. A cutoff
 * only moves forward and is forgotten once moot.
 */
export class CutoffCache extends ExpiringInstants {
  constructor(maxSessionAgeMs: number, now: () => number) {
    super((cutoff) => isMoot(cutoff, now(), maxSessionAgeMs));
  }

  /** Raises the user's cutoff to at least cutoff and returns the result; never lowers it. */
  merge(userHash: string, cutoff: number): number {
    const known = this.get(userHash);
    if (known !== undefined && known >= cutoff) return known;
    this.set(userHash, cutoff);
    return cutoff;
  }
}
