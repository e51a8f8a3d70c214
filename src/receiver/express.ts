/** The Express 5 adapter: `app.all('/callback', expressLogoutHandler(options))`. */
import type { RequestHandler } from 'express';
import { createLogoutHandler, type LogoutHandlerOptions } from './handler.js';
import { serveWithWebHandler } from './node-bridge.js';

/**
 * An Express route handler for logout callbacks. It reads `req.originalUrl` (the raw query, never
 * `req.query`) and ignores the body; mount it before any body parser, or give it its own route.
 */
export function expressLogoutHandler(options: LogoutHandlerOptions): RequestHandler {
  const handler = createLogoutHandler(options);
  return (req, res, next) => {
    serveWithWebHandler(handler, req, res, req.originalUrl).catch(next);
  };
}
