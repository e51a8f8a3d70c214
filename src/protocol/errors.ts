/** Codes of configuration errors: thrown when the library is set up wrongly, never for a bad request. */
export type ConfigErrorCode =
  | 'key_unreadable'
  | 'key_not_rsa'
  | 'key_too_small'
  | 'key_missing'
  | 'key_not_private'
  | 'invalid_option';

export class LogoutCallbackConfigError extends Error {
  override readonly name = 'LogoutCallbackConfigError';
  readonly code: ConfigErrorCode;

  constructor(code: ConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A duration option given in seconds, with its default applied, in milliseconds. Throws
 * LogoutCallbackConfigError('invalid_option') unless it is finite and positive (or zero, where
 * `allowZero`: e.g. a tolerated clock skew of none).
 */
export function secondsOption(
  name: string,
  value: number | undefined,
  fallback: number,
  { allowZero = false } = {},
): number {
  const seconds = value ?? fallback;
  if (!Number.isFinite(seconds) || seconds < 0 || (seconds === 0 && !allowZero)) {
    const expected = allowZero ? 'a non-negative' : 'a positive';
    throw new LogoutCallbackConfigError('invalid_option', `"${name}" must be ${expected} number of seconds.`);
  }
  return seconds * 1000;
}
