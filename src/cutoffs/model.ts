/**
 * The session-cutoff model. Per user a cutoff instant that only moves forward; a session is ended
 * iff it started in or before the cutoff's second. Replays and out-of-order deliveries therefore
 * cannot end a session that a later sign-in started.
 */

const SECOND = 1000;

/**
 * The cutoff after a verified logout: never earlier than before, and never later than the moment
 * the callback arrived (a future-dated event cannot end sessions started after it arrived).
 */
export function nextCutoff(previous: number | undefined, loggedOutAt: number, receivedAt: number): number {
  const candidate = Math.min(loggedOutAt, receivedAt);
  return previous === undefined ? candidate : Math.max(previous, candidate);
}

/**
 * Whether a session that started at startedAt is ended by cutoff. The wire carries whole seconds,
 * so a session started within the cutoff's own second is ended too: startedAt < cutoff + 1 s,
 * with the cutoff taken to the start of its second.
 */
export function isEndedBy(startedAt: number, cutoff: number | undefined): boolean {
  if (cutoff === undefined) return false;
  return startedAt < Math.floor(cutoff / SECOND) * SECOND + SECOND;
}

/** A cutoff older than the longest session lifetime can end no session that is still alive. */
export function isMoot(cutoff: number, now: number, maxSessionAgeMs: number): boolean {
  return cutoff <= latestMootCutoff(now, maxSessionAgeMs);
}

/** The latest cutoff that is moot at now: storage forgets every cutoff at or before it. */
export function latestMootCutoff(now: number, maxSessionAgeMs: number): number {
  return now - maxSessionAgeMs - SECOND;
}

export { toMillis } from '../protocol/time.js';
