/** The one interface every cutoff store implements; test/cutoffs/contract.ts runs against each. */

import { LogoutCallbackConfigError, secondsOption } from '../protocol/errors.js';

export interface LogoutToRecord {
  readonly userHash: string;
  readonly loggedOutAt: Date;
  /** When the callback arrived at this receiver. */
  readonly receivedAt: Date;
  /** Hex SHA-256 of the signature bytes (VerifiedLogout.signatureDigest): replays are reported. */
  readonly signatureDigest: string;
}

export interface RecordedLogout {
  /** The user's cutoff after this logout (it never moves back). */
  readonly cutoff: Date;
  /** The same signed callback was already accepted within the freshness window. */
  readonly duplicate: boolean;
}

/** What an instance does with session checks while its view of the cutoffs may be stale. */
export type StalePolicy = 'closed' | 'open';

export interface StoreHealth {
  readonly ok: boolean;
  /** The in-process view may have missed cutoffs (e.g. cut off from Redis longer than allowed). */
  readonly stale: boolean;
  /** What session checks do while stale. */
  readonly stalePolicy: StalePolicy;
  /** Cutoffs held in the in-process cache. */
  readonly cachedCutoffs: number;
  readonly detail?: string;
}

export interface CutoffStore {
  /**
   * Stores a verified logout. Resolves only once the cutoff is durable in the store (the receiver
   * answers 200 only then); rejects with StoreUnavailableError when it cannot be stored.
   */
  recordLogout(logout: LogoutToRecord): Promise<RecordedLogout>;
  /** The user's current cutoff, from the in-process view: no I/O. */
  cutoffOf(userHash: string): Date | undefined;
  /**
   * Whether a session of userHash that started at startedAt is still alive: an in-process lookup,
   * no network round trip. While the view is stale, answers by the configured StalePolicy.
   */
  isSessionLive(userHash: string, startedAt: Date | number): boolean;
  health(): StoreHealth;
  close(): Promise<void>;
}

export interface CutoffStoreOptions {
  /** Longest session lifetime in seconds: cutoffs older than this are forgotten. Default 86400. */
  readonly maxSessionAge?: number;
  /**
   * Seconds an accepted signature is remembered to report replays. Default 360: the verifier's
   * default freshness window (300) plus its tolerated future skew (60), the longest a callback can
   * still be accepted after it first arrived.
   */
  readonly replayWindow?: number;
  /** Seconds between sweeps that forget moot cutoffs and expired replay digests. Default 60. */
  readonly sweepInterval?: number;
  /**
   * What isSessionLive answers while the view is stale (only a shared store such as Redis can
   * become stale): 'closed' treats every session as ended, 'open' trusts the cache. Default 'closed'.
   */
  readonly stalePolicy?: StalePolicy;
  /** Clock, for tests. */
  readonly now?: () => number;
}

export const DEFAULT_MAX_SESSION_AGE_SECONDS = 86_400;
export const DEFAULT_REPLAY_WINDOW_SECONDS = 360;
export const DEFAULT_SWEEP_INTERVAL_SECONDS = 60;

/** CutoffStoreOptions with defaults applied, in milliseconds. */
export interface StoreSettings {
  readonly maxSessionAgeMs: number;
  readonly replayWindowMs: number;
  readonly sweepIntervalMs: number;
  readonly stalePolicy: StalePolicy;
  readonly now: () => number;
}

export function resolveStoreSettings(options: CutoffStoreOptions = {}): StoreSettings {
  return {
    maxSessionAgeMs: secondsOption('maxSessionAge', options.maxSessionAge, DEFAULT_MAX_SESSION_AGE_SECONDS),
    replayWindowMs: secondsOption('replayWindow', options.replayWindow, DEFAULT_REPLAY_WINDOW_SECONDS),
    sweepIntervalMs: secondsOption('sweepInterval', options.sweepInterval, DEFAULT_SWEEP_INTERVAL_SECONDS),
    stalePolicy: stalePolicyOption(options.stalePolicy),
    now: options.now ?? Date.now,
  };
}

function stalePolicyOption(value: StalePolicy | undefined): StalePolicy {
  if (value === undefined) return 'closed';
  if (value === 'closed' || value === 'open') return value;
  throw new LogoutCallbackConfigError('invalid_option', "stalePolicy must be 'closed' or 'open'");
}

/** The store could not take the write, or cannot be reached: the receiver answers 503. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'store_unavailable';
}
