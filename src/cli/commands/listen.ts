import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { Command } from 'commander';
import { createMemoryCutoffStore } from '../../cutoffs/memory.js';
import { listen } from '../../http/listen.js';
import { createLogoutHandler } from '../../receiver/handler.js';
import { answerNodeRequest, sendWebResponse } from '../../receiver/node-bridge.js';
import { readPublicKeys } from '../key-files.js';
import { shutdownSignal } from '../signals.js';
import { collect, parseInteger, parseSeconds, UsageError } from '../usage.js';

interface ListenOptions {
  key?: string[];
  port: number;
  host: string;
  platform?: string;
  maxAge: number;
}

/** The trusted keys: files given with --key, or the keys a platform emulator publishes at /v1/keys. */
async function trustedKeys(options: ListenOptions): Promise<KeyObject[] | string[]> {
  if (options.key?.length) return readPublicKeys(options.key);
  const source = new URL('/v1/keys', options.platform);
  try {
    const answer = await fetch(source, { signal: AbortSignal.timeout(5000) });
    const body = (await answer.json()) as { keys?: Array<{ pem?: string }> };
    const pems = (body.keys ?? []).flatMap((key) => (typeof key.pem === 'string' ? [key.pem] : []));
    if (pems.length > 0) return pems;
  } catch (error) {
    throw new UsageError(`Cannot read the platform's keys from ${source}: ${(error as Error).message}`);
  }
  throw new UsageError(`${source} published no keys.`);
}

export function registerListen(program: Command): void {
  program
    .command('listen')
    .description(
      'a local receiver: prints every callback it gets and whether it verifies (like a webhook listener)',
    )
    .option('--key <file>', 'a trusted public key, PEM or JWK (repeat for several)', collect)
    .option(
      '--platform <url>',
      'trust the keys a platform emulator publishes at <url>/v1/keys (instead of --key)',
    )
    .option('--port <n>', 'port to listen on (0: any free port)', parseInteger(0, 65_535), 8787)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--max-age <s>', 'seconds after which a callback is expired', parseSeconds, 300)
    .action(async (options: ListenOptions) => {
      if (!options.key?.length && !options.platform) {
        throw new UsageError('Give the trusted public key with --key FILE (or --platform URL).');
      }
      const handler = createLogoutHandler({
        keys: await trustedKeys(options),
        maxAge: options.maxAge,
        store: createMemoryCutoffStore(),
      });
      const server = createServer((req, res) => {
        void answerNodeRequest(handler, req).then(async (response) => {
          const verdict = (await response
            .clone()
            .json()
            .catch(() => ({}))) as Record<string, unknown>;
          const line = {
            at: new Date().toISOString(),
            method: req.method,
            path: (req.url ?? '/').split('?')[0],
            status: response.status,
            ...verdict,
          };
          process.stdout.write(`${JSON.stringify(line)}\n`);
          if (!res.headersSent) await sendWebResponse(res, response);
        });
      });
      const { port } = await listen(server, options.port, options.host);
      process.stdout.write(`listening on http://${options.host}:${port}\n`);
      await shutdownSignal();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    });
}
