import type { Command } from 'commander';
import pino from 'pino';
import { DEFAULT_CUTOFF_STORE_SPEC, openCutoffStore } from '../../cutoffs/open.js';
import type { CutoffStore, StalePolicy } from '../../cutoffs/store.js';
import { describeError } from '../../receiver/logger.js';
import { type ReceiverServer, startReceiverServer } from '../../receiver/server.js';
import { readPublicKeys } from '../key-files.js';
import { shutdownSignal } from '../signals.js';
import { collect, parseChoice, parseInteger, parseSeconds, UsageError } from '../usage.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'silent'] as const;

interface ServeCliOptions {
  key: string[];
  host: string;
  port: number;
  store: string;
  path: string;
  maxSessionAge?: number;
  stalePolicy: StalePolicy;
  staleAfter?: number;
  maxAge: number;
  maxFutureSkew: number;
  logLevel: (typeof LOG_LEVELS)[number];
}

async function serve(options: ServeCliOptions): Promise<void> {
  const keys = readPublicKeys(options.key);
  // Logs go to stderr: stdout's first line is the address, for whoever started the process.
  const logger = pino(
    { name: 'logout-callback', level: options.logLevel },
    pino.destination({ dest: 2, sync: false }),
  );
  const store: CutoffStore = await openCutoffStore(options.store, {
    maxSessionAge: options.maxSessionAge,
    stalePolicy: options.stalePolicy,
    staleAfter: options.staleAfter,
    // A callback stays acceptable for up to maxAge + maxFutureSkew after it first arrives.
    replayWindow: options.maxAge + options.maxFutureSkew,
  });
  let server: ReceiverServer;
  try {
    server = await startReceiverServer({
      keys,
      store,
      logger,
      host: options.host,
      port: options.port,
      path: options.path,
      maxAge: options.maxAge,
      maxFutureSkew: options.maxFutureSkew,
    });
  } catch (error) {
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new UsageError(`Cannot listen on ${options.host}:${options.port}: ${code}`);
    }
    throw error;
  }
  process.stdout.write(`listening on ${server.url}\n`);
  logger.info({ url: server.url, path: options.path, store: storeKind(options.store) }, 'serving');

  // Later signals are ignored: the shutdown is bounded by the server's grace period anyway.
  const signal = await shutdownSignal({ ignoreRepeats: true });
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  await server.close();
  await store
    .close()
    .catch((error: unknown) => logger.error(describeError(error), 'closing the store failed'));
  logger.info({}, 'stopped');
  logger.flush();
}

/** The kind of store only: a Redis URL may carry a password. */
function storeKind(spec: string): string {
  return spec.startsWith('sqlite:') ? spec : (spec.split(':')[0] ?? 'unknown');
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the receiver sidecar: the callback endpoint, session checks and a health check')
    .requiredOption('--key <file>', 'a trusted platform public key, PEM or JWK (repeat for several)', collect)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port, printed)', parseInteger(0, 65_535), 8080)
    .option(
      '--store <spec>',
      'cutoff store: sqlite:PATH or redis://HOST:PORT[/db]',
      DEFAULT_CUTOFF_STORE_SPEC,
    )
    .option('--path <path>', 'path of the callback endpoint', '/callback')
    .option('--max-session-age <s>', 'longest session lifetime in seconds (default 86400)', parseSeconds)
    .option(
      '--stale-policy <policy>',
      'session checks while cut off from Redis longer than --stale-after: closed (ended) or open (live)',
      parseChoice(['closed', 'open'] as const),
      'closed',
    )
    .option(
      '--stale-after <s>',
      'seconds without Redis before the stale policy applies (default 30)',
      parseSeconds,
    )
    .option('--max-age <s>', 'seconds after which a callback is expired', parseSeconds, 300)
    .option('--max-future-skew <s>', 'seconds a callback may be dated ahead', parseSeconds, 60)
    .option(
      '--log-level <level>',
      `log level on stderr: ${LOG_LEVELS.join(', ')}`,
      parseChoice(LOG_LEVELS),
      'info',
    )
    .action(serve);
}
