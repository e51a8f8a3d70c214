/**
 * The Hono 4 adapter: `app.all('/callback', honoLogoutHandler(options))`. Hono hands over the Web
 * Request as is, so this also serves Bun, Deno, Cloudflare Workers and, through the core
 * `createLogoutHandler`, Next.js route handlers.
 */
import type { Context } from 'hono';
import { createLogoutHandler, type LogoutHandlerOptions } from './handler.js';

export function honoLogoutHandler(options: LogoutHandlerOptions): (c: Context) => Promise<Response> {
  const handler = createLogoutHandler(options);
  return (c) => handler(c.req.raw);
}
