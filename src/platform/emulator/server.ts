import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { listen } from '../../http/listen.js';
import type { PrivateKeyInput } from '../../protocol/keys.js';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from '../dispatcher.js';
import type { KeyRing } from '../keyring.js';
import { apiRoutes, type Route } from './api.js';
import { authenticatorRoutes } from './authenticator-routes.js';
import { HttpError, httpErrorOf, sendError } from './http.js';

export interface PlatformStartOptions extends Omit<DispatcherOptions, 'database' | 'keys'> {
  readonly keys: KeyRing | PrivateKeyInput;
  /** SQLite file; default ':memory:' (the CLI defaults to data/platform.sqlite). */
  readonly database?: DispatcherOptions['database'];
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Default: silent. */
  readonly logger?: Logger;
}

export interface RunningPlatform {
  /** http://HOST:PORT */
  readonly url: string;
  readonly port: number;
  readonly dispatcher: Dispatcher;
  readonly server: Server;
  /** Stops accepting requests, lets deliveries in flight finish, closes the database. */
  close(): Promise<void>;
}

function dispatch(routes: readonly Route[], logger: Logger) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://platform.invalid');
    try {
      let pathMatched = false;
      for (const route of routes) {
        const match = route.pattern.exec(url.pathname);
        if (!match) continue;
        pathMatched = true;
        if (route.method !== request.method) continue;
        await route.handle(request, response, match.slice(1), url);
        return;
      }
      throw pathMatched
        ? new HttpError(405, 'method_not_allowed', `${request.method} is not allowed on ${url.pathname}.`)
        : new HttpError(404, 'not_found', `Nothing at ${url.pathname}.`);
    } catch (error) {
      const known = httpErrorOf(error);
      if (!known) logger.error({ err: error, path: url.pathname }, 'request failed');
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendError(
        response,
        known ?? new HttpError(500, 'internal', 'The platform emulator failed; see its log.'),
      );
    }
  };
}

/** Starts the platform emulator in this process: the dispatcher, its outbox, the HTTP API and the authenticator page. */
export async function startPlatform(options: PlatformStartOptions): Promise<RunningPlatform> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const dispatcher = await createDispatcher({ ...options, database: options.database ?? ':memory:' });
  const unsubscribe = dispatcher.subscribe((status) =>
    logger.info(
      {
        delivery: status.id,
        service: status.serviceId,
        state: status.state,
        attempts: status.attempts,
        lastStatus: status.lastStatus,
        lastError: status.lastError,
        reason: status.reason,
      },
      'delivery',
    ),
  );
  const routes = [...apiRoutes(dispatcher), ...authenticatorRoutes(dispatcher)];
  const server = createServer(dispatch(routes, logger));
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  let address: AddressInfo;
  try {
    address = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    unsubscribe();
    await dispatcher.close();
    throw error;
  }
  const { port, family } = address;
  const host = family === 'IPv6' ? `[${address.address}]` : address.address;
  logger.info({ kid: dispatcher.keys.activeKid }, 'platform emulator started');
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    dispatcher,
    server,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        unsubscribe();
        await dispatcher.close();
      })();
      return closing;
    },
  };
}
