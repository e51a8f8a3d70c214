import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPublicPem } from '../../src/protocol/keys.js';
import { cliPath } from '../helpers/cli.js';
import { keys } from './fixtures.js';

/** A temporary directory holding the trusted public key as public.pem. */
export function workDir(): { dir: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lc-serve-'));
  const keyFile = join(dir, 'public.pem');
  writeFileSync(keyFile, exportPublicPem(keys.publicKey));
  return { dir, keyFile };
}

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
  /** Sends signal and resolves with the exit code once the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts the built CLI's `serve` and resolves once it printed `listening on URL` (bounded wait). */
export function startServe(args: string[], cwd: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--log-level', 'warn', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!child.killed && child.exitCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`serve did not start within 20 s; stderr: ${stderr}`));
    }, 20_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const line = /^listening on (http:\/\/\S+)\n/.exec(stdout);
      if (!line) return;
      clearTimeout(timer);
      resolve({ url: line[1]!, child, stderr: () => stderr, stop });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening; stderr: ${stderr}`));
    });
  });
}

/** GET /v1/sessions/live for a session of userHash that started at startedAt. */
export async function sessionLive(url: string, userHash: string, startedAt: Date): Promise<boolean> {
  const query = new URLSearchParams({ user_hash: userHash, started_at: startedAt.toISOString() });
  const response = await fetch(`${url}/v1/sessions/live?${query}`, { signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`session check answered ${response.status}`);
  return ((await response.json()) as { live: boolean }).live;
}

/** Posts a callback query; resolves with the status, or 0 when the connection failed. */
export async function postCallback(url: string, query: string): Promise<number> {
  try {
    const response = await fetch(`${url}/callback?${query}`, {
      method: 'POST',
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
