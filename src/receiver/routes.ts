import type { CutoffStore } from '../cutoffs/store.js';
import { refusal } from './answers.js';
import type { LogoutHandler } from './handler.js';
import { createHealthHandler } from './health.js';
import { createSessionCheckHandler } from './session-check.js';

export const SESSION_CHECK_PATH = '/v1/sessions/live';
export const HEALTH_PATH = '/healthz';

export interface ReceiverRoutesOptions {
  /** The callback endpoint's path (any method). */
  readonly path: string;
  readonly logout: LogoutHandler;
  readonly store: Pick<CutoffStore, 'isSessionLive' | 'cutoffOf' | 'health'>;
}

/** The sidecar's routes, as one Web handler: the callback, the session check and the health check. */
export function createReceiverRoutes(options: ReceiverRoutesOptions): LogoutHandler {
  const routes = new Map<string, LogoutHandler>([
    [SESSION_CHECK_PATH, createSessionCheckHandler(options.store)],
    [HEALTH_PATH, createHealthHandler(options.store)],
    [options.path, options.logout],
  ]);
  return async (request) => {
    const route = routes.get(new URL(request.url).pathname);
    return route ? route(request) : refusal(404, 'not_found', 'No such endpoint.');
  };
}
