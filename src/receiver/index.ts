/**
 * logout-callback/receiver: the receiver core on Web-standard Request/Response, usable as is in
 * Next.js route handlers, Bun, Deno and workers; plus the in-process sidecar server.
 */
export { ANSWER_HEADERS } from './answers.js';
export { DEFAULT_MAX_BODY_BYTES } from './body.js';
export {
  createLogoutHandler,
  type LogoutEvent,
  type LogoutHandler,
  type LogoutHandlerOptions,
  type LogoutHooks,
  type RefusalReason,
} from './handler.js';
export { createHealthHandler } from './health.js';
export type { ReceiverLogger } from './logger.js';
export {
  createReceiverRoutes,
  HEALTH_PATH,
  type ReceiverRoutesOptions,
  SESSION_CHECK_PATH,
} from './routes.js';
export { type ReceiverServer, type ReceiverServerOptions, startReceiverServer } from './server.js';
export { createSessionCheckHandler } from './session-check.js';
