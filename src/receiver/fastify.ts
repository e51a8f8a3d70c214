/**
 * The Fastify 5 plugin: `app.register(fastifyLogoutCallback, { path: '/callback', ...options })`.
 * It is encapsulated on purpose (no fastify-plugin): its content-type parsers, which leave the
 * body to the core's cap, stay inside it, and `prefix` works as for any plugin.
 */
import type { FastifyPluginAsync } from 'fastify';
import { createLogoutHandler, type LogoutHandlerOptions } from './handler.js';
import { answerNodeRequest, headersRecord } from './node-bridge.js';

export type FastifyLogoutOptions = LogoutHandlerOptions & {
  /** The route inside the plugin's prefix. Default '/callback'. */
  readonly path?: string;
};

export const fastifyLogoutCallback: FastifyPluginAsync<FastifyLogoutOptions> = async (fastify, options) => {
  const handler = createLogoutHandler(options);
  // Fastify would parse (and buffer) JSON or form bodies; the callback's body is only counted and discarded.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  fastify.all(options.path ?? '/callback', async (request, reply) => {
    const response = await answerNodeRequest(handler, request.raw, request.raw.url);
    reply.code(response.status).headers(headersRecord(response.headers));
    // A Buffer, so that Fastify keeps the Content-Type as set (a string would gain a charset).
    return reply.send(Buffer.from(await response.arrayBuffer()));
  });
};
