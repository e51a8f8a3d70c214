/**
 * Session checks for stateless sessions (signed cookies, JWTs): the session carries who signed in
 * and when, the cutoff store says whether a logout since then ended it. In-process, no I/O.
 */
import type { CutoffStore } from '../cutoffs/store.js';

export type SessionChecker = Pick<CutoffStore, 'isSessionLive'>;

/** Whether the session of userHash that started at startedAt (a Date or epoch milliseconds) is live. */
export function isSessionLive(store: SessionChecker, userHash: string, startedAt: Date | number): boolean {
  return store.isSessionLive(userHash, startedAt);
}

/**
 * The same for a token whose start is a JWT-style `iat` (seconds since the epoch). A token without
 * a usable `iat` cannot be checked and counts as ended.
 */
export function isTokenLive(store: SessionChecker, userHash: string, iat: unknown): boolean {
  if (typeof iat !== 'number' || !Number.isFinite(iat) || iat < 0) return false;
  return store.isSessionLive(userHash, iat * 1000);
}
