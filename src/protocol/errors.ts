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
