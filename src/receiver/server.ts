import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { CutoffStore } from '../cutoffs/store.js';
import { listen } from '../http/listen.js';
import { LogoutCallbackConfigError } from '../protocol/errors.js';
import { createLogoutHandler, type LogoutHandlerOptions } from './handler.js';
import { toNodeListener } from './node.js';
import { createReceiverRoutes } from './routes.js';

export type ReceiverServerOptions = LogoutHandlerOptions & {
  /** The cutoff store; the caller opened it and closes it after close(). */
  readonly store: CutoffStore;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: a free port, reported in `port` and `url`. */
  readonly port?: number;
  /** The callback endpoint. Default '/callback'. */
  readonly path?: string;
  /** How long close() lets in-flight requests finish before cutting connections. Default 10 s. */
  readonly shutdownGraceMs?: number;
};

export interface ReceiverServer {
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  /** http://HOST:PORT */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish (bounded by shutdownGraceMs), closes every connection. */
  close(): Promise<void>;
}

/** Room for the largest query the verifier accepts (16384 characters) plus ordinary headers. */
const MAX_HEADER_BYTES = 32 * 1024;

function checkedPath(path: string): string {
  if (!/^\/[^?#\s]*$/.test(path)) {
    throw new LogoutCallbackConfigError(
      'invalid_option',
      `The callback path must start with "/" and hold no "?" or "#": ${path}`,
    );
  }
  return path;
}

/** Counts requests in flight so that close() can wait for them, and asks clients to close once closing. */
class InFlight {
  #count = 0;
  #closing = false;
  #idle: Array<() => void> = [];

  track(res: ServerResponse): void {
    this.#count += 1;
    if (this.#closing) res.setHeader('connection', 'close');
    res.once('close', () => {
      this.#count -= 1;
      if (this.#count === 0) for (const resolve of this.#idle.splice(0)) resolve();
    });
  }

  drain(graceMs: number): Promise<void> {
    this.#closing = true;
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function once(action: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= action();
    return running;
  };
}

/**
 * The receiver sidecar in-process: the callback at `path`, `GET /v1/sessions/live` and
 * `GET /healthz`, on node:http. `logout-callback serve` is this plus key files, a store and signals.
 */
export async function startReceiverServer(options: ReceiverServerOptions): Promise<ReceiverServer> {
  const host = options.host ?? '127.0.0.1';
  const routes = createReceiverRoutes({
    path: checkedPath(options.path ?? '/callback'),
    logout: createLogoutHandler(options),
    store: options.store,
  });
  const listener = toNodeListener(routes);
  const inFlight = new InFlight();
  const server = createServer(
    { maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000, headersTimeout: 10_000 },
    (req: IncomingMessage, res: ServerResponse) => {
      inFlight.track(res);
      listener(req, res);
    },
  );
  const { port } = await listen(server, options.port ?? 0, host);
  const closed = new Promise<void>((resolve) => server.once('close', resolve));
  return {
    server,
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: once(async () => {
      server.close();
      server.closeIdleConnections();
      await inFlight.drain(options.shutdownGraceMs ?? 10_000);
      server.closeAllConnections();
      await closed;
    }),
  };
}
