/**
 * Every way a logout callback can be rejected. The codes are stable: they appear in HTTP answers,
 * logs and metrics, so they never change meaning and are never reused.
 */
export const REJECTION_REASONS = [
  'missing_parameter',
  'duplicate_parameter',
  'too_large',
  'malformed_signature',
  'bad_signature',
  'malformed_payload',
  'expired',
  'from_future',
] as const;

export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface Rejection {
  readonly ok: false;
  readonly reason: RejectionReason;
  readonly message: string;
}

export function reject(reason: RejectionReason, message: string): Rejection {
  return { ok: false, reason, message };
}

export function isRejectionReason(value: unknown): value is RejectionReason {
  return typeof value === 'string' && (REJECTION_REASONS as readonly string[]).includes(value);
}
