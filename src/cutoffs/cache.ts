import { isMoot } from './model.js';

/**
 * The in-process map user_hash → cutoff (epoch ms) that every store answers session checks from.
 * Entries only move forward, and moot ones are forgotten: lazily on lookup and by sweep().
 */
export class CutoffCache {
  readonly #cutoffs = new Map<string, number>();
  readonly #maxSessionAgeMs: number;
  readonly #now: () => number;

  constructor(maxSessionAgeMs: number, now: () => number) {
    this.#maxSessionAgeMs = maxSessionAgeMs;
    this.#now = now;
  }

  get size(): number {
    return this.#cutoffs.size;
  }

  get(userHash: string): number | undefined {
    const cutoff = this.#cutoffs.get(userHash);
    if (cutoff === undefined || !this.#isMoot(cutoff)) return cutoff;
    this.#cutoffs.delete(userHash);
    return undefined;
  }

  /** Raises the user's cutoff to at least cutoff and returns the result; never lowers it. */
  merge(userHash: string, cutoff: number): number {
    const known = this.get(userHash);
    if (known !== undefined && known >= cutoff) return known;
    if (!this.#isMoot(cutoff)) this.#cutoffs.set(userHash, cutoff);
    return cutoff;
  }

  /** Forgets every moot cutoff; returns how many. */
  sweep(): number {
    let forgotten = 0;
    for (const [userHash, cutoff] of this.#cutoffs) {
      if (this.#isMoot(cutoff)) {
        this.#cutoffs.delete(userHash);
        forgotten += 1;
      }
    }
    return forgotten;
  }

  /** The cutoffs that still matter, e.g. to write them back to a store that lost them. */
  *live(): IterableIterator<[userHash: string, cutoff: number]> {
    for (const entry of this.#cutoffs) {
      if (!this.#isMoot(entry[1])) yield entry;
    }
  }

  #isMoot(cutoff: number): boolean {
    return isMoot(cutoff, this.#now(), this.#maxSessionAgeMs);
  }
}
