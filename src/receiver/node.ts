/** The node:http adapter: `http.createServer(createNodeListener(options))`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLogoutHandler, type LogoutHandler, type LogoutHandlerOptions } from './handler.js';
import { serveWithWebHandler } from './node-bridge.js';

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A Web handler (the logout handler, or any other) as a node:http request listener. */
export function toNodeListener(handler: LogoutHandler): NodeListener {
  return (req, res) => {
    void serveWithWebHandler(handler, req, res);
  };
}

/** A node:http request listener that answers logout callbacks on every path it is given. */
export function createNodeListener(options: LogoutHandlerOptions): NodeListener {
  return toNodeListener(createLogoutHandler(options));
}

export { sendWebResponse, toWebRequest } from './node-bridge.js';
