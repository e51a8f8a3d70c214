import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliServer, startCliServer } from '../helpers/cli.js';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DemoProcess extends CliServer {
  readonly authenticatorUrl: string;
  readonly serviceA: string;
  readonly serviceB: string;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The pages the demo names after its first line (`listening on URL`), one line each. */
function parsePages(stdout: string) {
  const authenticator = /^Mobile Authenticator: (\S+)$/m.exec(stdout);
  const serviceA = /^Service A \(Express \+ express-session\): (\S+)$/m.exec(stdout);
  const serviceB = /^Service B \(Hono \+ stateless signed cookies\): (\S+)$/m.exec(stdout);
  if (!authenticator || !serviceA || !serviceB) return undefined;
  return { authenticatorUrl: authenticator[1]!, serviceA: serviceA[1]!, serviceB: serviceB[1]! };
}

/** Runs the built CLI's `demo` on free ports and resolves once it printed every URL (bounded wait). */
export async function startDemoProcess(dataDir: string): Promise<DemoProcess> {
  const server = await startCliServer(['demo', '--port', '0', '--data', dataDir], { cwd: dataDir });
  // The demo prints its URLs in one write after `listening on`; allow them a moment to arrive.
  for (let attempt = 0; attempt < 100; attempt++) {
    const pages = parsePages(server.stdout());
    if (pages) return { ...server, ...pages };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await server.stop('SIGKILL');
  throw new Error(`the demo did not print its URLs; stdout: ${server.stdout()}`);
}

/** Resolves with the exit code, or rejects (and kills the demo) if it still runs after timeoutMs. */
export function exitWithin(
  demo: CliServer,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      void demo.stop('SIGKILL');
      reject(new Error(`the demo did not exit within ${timeoutMs} ms of ${signal}`));
    }, timeoutMs);
  });
  return Promise.race([demo.stop(signal), timeout]).finally(() => clearTimeout(timer));
}
