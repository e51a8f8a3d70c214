import { LogoutCallbackConfigError } from '../protocol/errors.js';
import { createMemoryCutoffStore } from './memory.js';
import type { RedisCutoffStoreOptions } from './redis.js';
import type { CutoffStore } from './store.js';

/** The embedded default: a SQLite file under ./data, created on first use. */
export const DEFAULT_CUTOFF_STORE_SPEC = 'sqlite:./data/cutoffs.db';

/** Options for openCutoffStore: every store's options; each store uses the ones that concern it. */
export type OpenCutoffStoreOptions = RedisCutoffStoreOptions;

/**
 * Opens the cutoff store a spec names: `memory`, `sqlite:PATH` or `redis://HOST:PORT[/db]`
 * (also `rediss://`). Store modules load on demand, so `memory` needs no native module.
 */
export async function openCutoffStore(
  spec: string = DEFAULT_CUTOFF_STORE_SPEC,
  options: OpenCutoffStoreOptions = {},
): Promise<CutoffStore> {
  if (spec === 'memory') return createMemoryCutoffStore(options);
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw invalidSpec(spec);
    const { openSqliteCutoffStore } = await import('./sqlite.js');
    return openSqliteCutoffStore(path, options);
  }
  if (spec.startsWith('redis://') || spec.startsWith('rediss://')) {
    const { openRedisCutoffStore } = await import('./redis.js');
    return openRedisCutoffStore(spec, options);
  }
  throw invalidSpec(spec);
}

function invalidSpec(spec: string): LogoutCallbackConfigError {
  return new LogoutCallbackConfigError(
    'invalid_option',
    `unknown cutoff store "${spec}": use memory, sqlite:PATH or redis://HOST:PORT[/db]`,
  );
}
