import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CutoffCache } from './cache.js';
import { CachedCutoffStore, type CutoffBackend, type StoredCutoff } from './cached-store.js';
import { latestMootCutoff } from './model.js';
import {
  type CutoffStore,
  type CutoffStoreOptions,
  resolveStoreSettings,
  type StoreSettings,
  StoreUnavailableError,
} from './store.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS cutoffs (user_hash TEXT PRIMARY KEY, cutoff_ms INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS cutoffs_by_time ON cutoffs (cutoff_ms);
  CREATE TABLE IF NOT EXISTS replays (digest TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS replays_by_expiry ON replays (expires_at);
`;

/**
 * Milliseconds a write waits for another connection's lock before it fails. better-sqlite3 waits
 * synchronously, so this stays short; with one process per file there is no one to wait for.
 */
const BUSY_TIMEOUT_MS = 1000;

/**
 * Cutoffs in a SQLite file (WAL, synchronous=FULL): a write is committed before recordLogout
 * resolves, so it survives kill -9 and power loss. One process per file: the in-process cache
 * learns only this process's writes and what was in the file when it was opened.
 */
class SqliteBackend implements CutoffBackend {
  readonly #db: Database.Database;
  readonly #settings: StoreSettings;
  readonly #record: (userHash: string, candidate: number, digest: string) => StoredCutoff;
  readonly #sweep: () => void;

  constructor(db: Database.Database, settings: StoreSettings) {
    this.#db = db;
    this.#settings = settings;
    const raiseCutoff = db
      .prepare<[string, number], number>(
        `INSERT INTO cutoffs (user_hash, cutoff_ms) VALUES (?, ?)
         ON CONFLICT (user_hash) DO UPDATE SET cutoff_ms = max(cutoff_ms, excluded.cutoff_ms)
         RETURNING cutoff_ms`,
      )
      .pluck();
    const rememberDigest = db.prepare<[string, number, number]>(
      `INSERT INTO replays (digest, expires_at) VALUES (?, ?)
       ON CONFLICT (digest) DO UPDATE SET expires_at = excluded.expires_at WHERE replays.expires_at <= ?`,
    );
    const forgetCutoffs = db.prepare<[number]>('DELETE FROM cutoffs WHERE cutoff_ms <= ?');
    const forgetDigests = db.prepare<[number]>('DELETE FROM replays WHERE expires_at <= ?');
    this.#record = db.transaction((userHash: string, candidate: number, digest: string) => {
      const now = settings.now();
      const cutoff = raiseCutoff.get(userHash, candidate) as number;
      const remembered = rememberDigest.run(digest, now + settings.replayWindowMs, now).changes;
      return { cutoff, duplicate: remembered === 0 };
    });
    this.#sweep = db.transaction(() => {
      const now = settings.now();
      forgetCutoffs.run(latestMootCutoff(now, settings.maxSessionAgeMs));
      forgetDigests.run(now);
    });
  }

  /** Loads the cutoffs that still matter into cache. */
  load(cache: CutoffCache): void {
    const rows = this.#db
      .prepare<[number], [string, number]>('SELECT user_hash, cutoff_ms FROM cutoffs WHERE cutoff_ms > ?')
      .raw()
      .iterate(latestMootCutoff(this.#settings.now(), this.#settings.maxSessionAgeMs));
    for (const [userHash, cutoff] of rows) cache.merge(userHash, cutoff);
  }

  async record(userHash: string, candidate: number, signatureDigest: string): Promise<StoredCutoff> {
    return this.#record(userHash, candidate, signatureDigest);
  }

  sweep(): void {
    if (this.#db.open) this.#sweep();
  }

  isStale(): boolean {
    return false;
  }

  problem(): string | undefined {
    return this.#db.open ? undefined : 'the SQLite file is closed';
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

/** Opens (creating file and directory if needed) a SQLite cutoff store and loads its cutoffs. */
export async function openSqliteCutoffStore(
  path: string,
  options: CutoffStoreOptions = {},
): Promise<CutoffStore> {
  const settings = resolveStoreSettings(options);
  let db: Database.Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    const backend = new SqliteBackend(db, settings);
    backend.sweep();
    const cache = new CutoffCache(settings.maxSessionAgeMs, settings.now);
    backend.load(cache);
    return new CachedCutoffStore(cache, backend, settings);
  } catch (error) {
    db?.close();
    throw new StoreUnavailableError(`cannot open the SQLite cutoff store ${path}: ${String(error)}`, {
      cause: error,
    });
  }
}
