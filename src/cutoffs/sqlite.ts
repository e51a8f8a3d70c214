import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Database, type SqliteDatabase } from '../sqlite/driver.js';
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

interface PendingWrite {
  readonly userHash: string;
  readonly candidate: number;
  readonly digest: string;
  readonly resolve: (stored: StoredCutoff) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Cutoffs in a SQLite file (WAL, synchronous=FULL): a write is committed before recordLogout
 * resolves, so it survives kill -9 and power loss. Writes that arrive in the same turn of the event
 * loop share one transaction (group commit): one fsync for all of them, each answered only after it.
 * One process per file: the in-process cache learns only this process's writes and what was in
 * the file when it was opened.
 */
class SqliteBackend implements CutoffBackend {
  readonly #db: SqliteDatabase;
  readonly #settings: StoreSettings;
  readonly #recordAll: (writes: readonly PendingWrite[]) => StoredCutoff[];
  readonly #sweep: () => void;
  #pending: PendingWrite[] = [];

  constructor(db: SqliteDatabase, settings: StoreSettings) {
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
    this.#recordAll = db.transaction((writes: readonly PendingWrite[]) => {
      const now = settings.now();
      return writes.map(({ userHash, candidate, digest }) => {
        const cutoff = raiseCutoff.get(userHash, candidate) as number;
        const remembered = rememberDigest.run(digest, now + settings.replayWindowMs, now).changes;
        return { cutoff, duplicate: remembered === 0 };
      });
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

  record(userHash: string, candidate: number, digest: string): Promise<StoredCutoff> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ userHash, candidate, digest, resolve, reject });
      if (this.#pending.length === 1) setImmediate(() => this.#commitPending());
    });
  }

  #commitPending(): void {
    const writes = this.#pending;
    this.#pending = [];
    let stored: StoredCutoff[];
    try {
      stored = this.#recordAll(writes);
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    for (const [i, write] of writes.entries()) write.resolve(stored[i]!);
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
    if (this.#pending.length > 0) this.#commitPending();
    this.#db.close();
  }
}

/** Opens (creating file and directory if needed) a SQLite cutoff store and loads its cutoffs. */
export async function openSqliteCutoffStore(
  path: string,
  options: CutoffStoreOptions = {},
): Promise<CutoffStore> {
  const settings = resolveStoreSettings(options);
  let db: SqliteDatabase | undefined;
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
