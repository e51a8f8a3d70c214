import type { Command } from 'commander';
import pino from 'pino';
import { startPlatform } from '../../platform/emulator/server.js';
import { KeyRing } from '../../platform/keyring.js';
import { readPrivateKey } from '../key-files.js';
import { shutdownSignal } from '../signals.js';
import { collect, parseChoice, parseInteger, parseSeconds } from '../usage.js';

interface PlatformOptions {
  key: string[];
  port: number;
  host: string;
  db: string;
  redis?: string;
  timeout: number;
  retryBase: number;
  retryMax: number;
  concurrency: number;
  freshness: number;
  method: 'POST' | 'GET';
}

export function registerPlatform(program: Command): void {
  program
    .command('platform')
    .description(
      'run the platform emulator: service API, Mobile Authenticator page, signed callback delivery',
    )
    .requiredOption(
      '--key <file>',
      'private signing key (PEM or JWK); repeat to publish more keys, the first one signs',
      collect,
    )
    .option('--port <n>', 'port to listen on (0: any free port)', parseInteger(0, 65_535), 8700)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option(
      '--db <path>',
      "SQLite file for services, sign-ins and the outbox (':memory:' for none)",
      'data/platform.sqlite',
    )
    .option(
      '--redis <url>',
      'deliver through BullMQ on this Redis (redis://host:port) instead of the SQLite outbox',
    )
    .option('--timeout <ms>', 'per-request delivery timeout in ms', parseInteger(1, 600_000), 10_000)
    .option('--retry-base <ms>', 'backoff ceiling of the first retry in ms', parseInteger(0, 600_000), 500)
    .option('--retry-max <ms>', 'largest backoff ceiling in ms', parseInteger(0, 3_600_000), 30_000)
    .option('--concurrency <n>', 'deliveries in flight at once per service', parseInteger(1, 1000), 4)
    .option(
      '--freshness <s>',
      "the receivers' freshness window: undelivered by then, a callback is dead",
      parseSeconds,
      300,
    )
    .option(
      '--method <method>',
      'HTTP method of the callbacks: POST or GET',
      parseChoice(['POST', 'GET'] as const),
      'POST',
    )
    .action(async (options: PlatformOptions) => {
      const [active, ...others] = options.key.map(readPrivateKey);
      const logger = pino({ name: 'platform' }, pino.destination(2));
      const platform = await startPlatform({
        keys: new KeyRing(active!, others),
        database: options.db,
        host: options.host,
        port: options.port,
        logger,
        ...(options.redis ? { redisUrl: options.redis } : {}),
        retry: { timeoutMs: options.timeout, baseDelayMs: options.retryBase, maxDelayMs: options.retryMax },
        perServiceConcurrency: options.concurrency,
        freshnessWindowSeconds: options.freshness,
        method: options.method,
      });
      process.stdout.write(`listening on ${platform.url}\n`);
      const signal = await shutdownSignal();
      logger.info({ signal }, 'shutting down');
      platform.server.closeAllConnections();
      await platform.close();
    });
}
