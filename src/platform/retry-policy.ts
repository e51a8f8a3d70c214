import { LogoutCallbackConfigError } from '../protocol/errors.js';

/**
 * How a delivery attempt's outcome is judged and when the next attempt may start. One policy for
 * the outboxes and for `logout-callback send`.
 */

export interface RetryPolicy {
  /** Backoff ceiling of the first retry, in ms; it doubles each attempt. */
  readonly baseDelayMs: number;
  /** The largest backoff ceiling, in ms. */
  readonly maxDelayMs: number;
  /** Attempts in all (the first one included) before a delivery is given up as dead. */
  readonly maxAttempts: number;
  /** Per-request timeout in ms: connect, headers and body together. */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxAttempts: 25,
  timeoutMs: 10_000,
});

/** What one attempt taught us. */
export type AttemptVerdict = 'delivered' | 'retry' | 'permanent';

/** 2xx delivered; 408, 429 and 5xx worth another try; any other answer is final. */
export function classifyStatus(status: number): AttemptVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'permanent';
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^(n−1))] after the n-th failed attempt. */
export function backoffDelay(failedAttempts: number, policy: RetryPolicy, random = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/** The wait before the next attempt: the receiver's Retry-After when it gave one, else the jittered backoff. */
export function retryDelay(
  failedAttempts: number,
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  random = Math.random,
): number {
  return retryAfterMs ?? backoffDelay(failedAttempts, policy, random);
}

export function retryPolicyOf(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new LogoutCallbackConfigError(
        'invalid_option',
        `Retry policy "${name}" must be a non-negative number, got ${value}.`,
      );
    }
  }
  if (policy.maxAttempts < 1) {
    throw new LogoutCallbackConfigError('invalid_option', 'Retry policy "maxAttempts" must be at least 1.');
  }
  return Object.freeze(policy);
}

/** What follows an attempt: the delivery's next state. */
export type NextStep =
  | { readonly state: 'delivered' }
  | { readonly state: 'failed'; readonly reason: string }
  | { readonly state: 'dead'; readonly reason: 'expired_undelivered' | 'attempts_exhausted' }
  | { readonly state: 'retrying'; readonly nextAttemptAt: number };

/** The outcome of one attempt, as judged by the classification above. */
export interface JudgedAttempt {
  readonly verdict: AttemptVerdict;
  readonly status?: number;
  readonly error?: string;
  readonly retryAfterMs?: number;
}

/**
 * Decides what happens after the `attempts`-th attempt of a callback that receivers accept until
 * `expiresAt`. A retry that could only start after that is pointless: the delivery is dead.
 */
export function nextStep(
  attempt: JudgedAttempt,
  attempts: number,
  expiresAt: number,
  policy: RetryPolicy,
  now: number,
): NextStep {
  if (attempt.verdict === 'delivered') return { state: 'delivered' };
  if (attempt.verdict === 'permanent') {
    return {
      state: 'failed',
      reason: attempt.status ? `http_${attempt.status}` : (attempt.error ?? 'refused'),
    };
  }
  if (attempts >= policy.maxAttempts) return { state: 'dead', reason: 'attempts_exhausted' };
  const nextAttemptAt = now + retryDelay(attempts, policy, attempt.retryAfterMs);
  if (nextAttemptAt >= expiresAt) return { state: 'dead', reason: 'expired_undelivered' };
  return { state: 'retrying', nextAttemptAt };
}
