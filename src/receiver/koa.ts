/** The Koa 3 adapter: `app.use(koaLogoutMiddleware({ path: '/callback', ...options }))`. */
import type { Middleware } from 'koa';
import { createLogoutHandler, type LogoutHandlerOptions } from './handler.js';
import { answerNodeRequest, headersRecord } from './node-bridge.js';

export type KoaLogoutOptions = LogoutHandlerOptions & {
  /** The callback path; other paths pass to the next middleware. Default '/callback'. */
  readonly path?: string;
};

/** Koa middleware answering logout callbacks at `path` from `ctx.originalUrl` (never `ctx.query`). */
export function koaLogoutMiddleware(options: KoaLogoutOptions): Middleware {
  const handler = createLogoutHandler(options);
  const path = options.path ?? '/callback';
  return async (ctx, next) => {
    if (ctx.path !== path) return next();
    const response = await answerNodeRequest(handler, ctx.req, ctx.originalUrl);
    ctx.status = response.status;
    ctx.set(headersRecord(response.headers));
    ctx.body = await response.text();
  };
}
