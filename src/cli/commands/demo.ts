import type { Command } from 'commander';
import pino from 'pino';
import { startDemo } from '../../demo/start.js';
import { shutdownSignal } from '../signals.js';
import { parseInteger, UsageError } from '../usage.js';

interface DemoCommandOptions {
  port: number;
  data: string;
}

const BANNER = `
Open the two services, sign in to each with a username (e.g. alice) and approve the requests on
the Mobile Authenticator. Then press Clear or Clear All there: the services' pages show the logout
at once. Ctrl-C stops the demo; delete the data directory to start afresh.
`;

/** Mistakes a user can mend: ports taken, the example services' frameworks not installed. */
function usageErrorOf(error: NodeJS.ErrnoException): UsageError | undefined {
  if (error.code === 'EADDRINUSE') {
    return new UsageError(`A port the demo needs is in use (${error.message}); choose others with --port.`);
  }
  if (error.code === 'ERR_MODULE_NOT_FOUND') {
    return new UsageError(
      `${error.message}\nThe example services need express, express-session, hono and @hono/node-server: npm install them.`,
    );
  }
  return undefined;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the whole flow in a browser: the platform emulator and two example services, on 127.0.0.1')
    .option(
      '--port <n>',
      'the platform port; the services take the next two (0: any free ports)',
      parseInteger(0, 65_533),
      3000,
    )
    .option('--data <dir>', 'keys, cookie secrets and SQLite files, made on first run', './data/demo')
    .action(async (options: DemoCommandOptions) => {
      const logger = pino({ name: 'demo', level: 'warn' }, pino.destination(2));
      const demo = await startDemo({
        dataDir: options.data,
        basePort: options.port,
        logger,
        onDelivery: (line) => process.stdout.write(`${line}\n`),
      }).catch((error: NodeJS.ErrnoException) => {
        throw usageErrorOf(error) ?? error;
      });
      const services = demo.services.map((s) => `${s.label} (${s.stack}): ${s.url}\n`).join('');
      process.stdout.write(
        `listening on ${demo.platformUrl}\nMobile Authenticator: ${demo.authenticatorUrl}\n${services}${BANNER}`,
      );
      await shutdownSignal();
      process.stdout.write('stopping the demo\n');
      await demo.close();
    });
}
