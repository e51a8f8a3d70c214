/** Codes of a request the platform refuses; each names what to fix. */
export type PlatformErrorCode =
  | 'invalid_field'
  | 'unknown_service'
  | 'unknown_sign_in'
  | 'unknown_delivery'
  | 'not_signed_in'
  | 'already_decided';

/** Bad input to the dispatcher: nothing was changed. The emulator answers it with a 4xx. */
export class PlatformInputError extends Error {
  override readonly name = 'PlatformInputError';
  readonly code: PlatformErrorCode;

  constructor(code: PlatformErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function invalidField(field: string, expected: string): PlatformInputError {
  return new PlatformInputError('invalid_field', `"${field}" must be ${expected}.`);
}
