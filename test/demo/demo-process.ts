import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliPath = join(repoRoot, 'dist', 'cli', 'main.js');

export interface DemoProcess {
  readonly platformUrl: string;
  readonly authenticatorUrl: string;
  readonly serviceA: string;
  readonly serviceB: string;
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends signal (default SIGTERM) and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The URLs the demo prints: the first line is `listening on URL`, then one line per page to open. */
function parseUrls(stdout: string): Omit<DemoProcess, 'child' | 'stdout' | 'stderr' | 'stop'> | undefined {
  const platform = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
  const authenticator = /^Mobile Authenticator: (\S+)$/m.exec(stdout);
  const serviceA = /^Service A \(Express \+ express-session\): (\S+)$/m.exec(stdout);
  const serviceB = /^Service B \(Hono \+ stateless signed cookies\): (\S+)$/m.exec(stdout);
  if (!platform || !authenticator || !serviceA || !serviceB) return undefined;
  return {
    platformUrl: platform[1]!,
    authenticatorUrl: authenticator[1]!,
    serviceA: serviceA[1]!,
    serviceB: serviceB[1]!,
  };
}

/** Runs the built CLI's `demo` on free ports and resolves once it printed every URL (bounded wait). */
export function startDemoProcess(dataDir: string, timeoutMs = 20_000): Promise<DemoProcess> {
  const child = spawn(process.execPath, [cliPath, 'demo', '--port', '0', '--data', dataDir], {
    cwd: dataDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`the demo did not start within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const urls = parseUrls(stdout);
      if (!urls) return;
      clearTimeout(timer);
      resolve({ ...urls, child, stdout: () => stdout, stderr: () => stderr, stop });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code} before it was ready; stderr: ${stderr}`));
    });
  });
}

/** Resolves with the exit code, or rejects if the process is still running after timeoutMs. */
export function exitWithin(
  demo: DemoProcess,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<number | null> {
  return Promise.race([
    demo.stop(signal),
    new Promise<never>((_resolve, reject) =>
      setTimeout(() => {
        void demo.stop('SIGKILL');
        reject(new Error(`the demo did not exit within ${timeoutMs} ms of ${signal}`));
      }, timeoutMs).unref(),
    ),
  ]);
}
