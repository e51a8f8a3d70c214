/**
 * logout-callback: the LaunchKey logout callback. This entry point is the protocol core and
 * depends on nothing but node:crypto.
 */
export { decodeSignature, encodeSignature } from './protocol/base64.js';
export { type ConfigErrorCode, LogoutCallbackConfigError } from './protocol/errors.js';
export {
  exportPublicPem,
  loadPrivateKey,
  loadPublicKey,
  type PrivateKeyInput,
  type PublicKeyInput,
  TrustedKeys,
} from './protocol/keys.js';
export * as limits from './protocol/limits.js';
export type { LogoutPayload, TimeField } from './protocol/payload.js';
export type { CallbackInput, CallbackParts, JsonParameterName } from './protocol/query.js';
export {
  isRejectionReason,
  REJECTION_REASONS,
  type Rejection,
  type RejectionReason,
} from './protocol/reasons.js';
export {
  type LogoutToSign,
  logoutJson,
  type SignedLogoutCallback,
  signLogoutCallback,
} from './protocol/sign.js';
export { formatApiTime, formatLegacyTime, parseApiTime, parseLegacyTime } from './protocol/time.js';
export {
  type Clock,
  createLogoutVerifier,
  type LogoutVerifier,
  type VerifiedLogout,
  type VerifyOptions,
  type VerifyResult,
  verifyLogoutCallback,
} from './protocol/verify.js';
