/**
 * logout-callback/platform: the platform side — services, users' authorizations, Clear and Clear
 * All, signed once and delivered at least once through a durable outbox; and the platform emulator.
 */
export { type BullMqOutboxOptions, createBullMqOutbox } from './bullmq-outbox.js';
export { openPlatformDatabase, type PlatformDatabase } from './database.js';
export {
  type AttemptResult,
  attemptDelivery,
  type CallbackMethod,
  type CallbackRequest,
  callbackTarget,
  type DeliveryReport,
  deliverWithRetries,
} from './delivery.js';
export {
  type ClearResult,
  createDispatcher,
  DEFAULT_FRESHNESS_WINDOW_SECONDS,
  Dispatcher,
  type DispatcherOptions,
  type SignInView,
} from './dispatcher.js';
export { type PlatformStartOptions, type RunningPlatform, startPlatform } from './emulator/server.js';
export { type PlatformErrorCode, PlatformInputError } from './errors.js';
export { KeyRing, keyIdOf, type PublishedKey } from './keyring.js';
export {
  DELIVERY_STATES,
  type DeadReason,
  type DeliveryFilter,
  type DeliveryListener,
  type DeliverySettings,
  type DeliveryState,
  type DeliveryStatus,
  type NewDelivery,
  type Outbox,
} from './outbox.js';
export type { Service, ServiceToRegister } from './registry.js';
export {
  type AttemptVerdict,
  backoffDelay,
  classifyStatus,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryPolicy,
  retryPolicyOf,
} from './retry-policy.js';
export type { SignInRequest, SignInStatus } from './sign-ins.js';
export { SqliteOutbox, type SqliteOutboxOptions } from './sqlite-outbox.js';
export { userHashFor } from './user-hash.js';
