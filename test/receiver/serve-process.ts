import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPublicPem } from '../../src/protocol/keys.js';
import { type CliServer, startCliServer } from '../helpers/cli.js';
import { keys } from './fixtures.js';

/** A temporary directory holding the trusted public key as public.pem. */
export function workDir(): { dir: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lc-serve-'));
  const keyFile = join(dir, 'public.pem');
  writeFileSync(keyFile, exportPublicPem(keys.publicKey));
  return { dir, keyFile };
}

export type ServeProcess = CliServer;

/** Starts the built CLI's `serve` on a free port and resolves once it printed `listening on URL`. */
export function startServe(args: string[], cwd: string): Promise<ServeProcess> {
  return startCliServer(['serve', '--port', '0', '--log-level', 'warn', ...args], { cwd });
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
