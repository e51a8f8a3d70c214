import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Database, type SqliteDatabase, type SqliteStatement } from '../sqlite/driver.js';

export type PlatformDatabase = SqliteDatabase;

/**
 * Opens (creating if needed) the platform's SQLite database: registry, sign-ins and the outbox live
 * in one file so a Clear and its callbacks commit in one transaction. ':memory:' for a throwaway one.
 */
export function openPlatformDatabase(path: string): PlatformDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: a Clear acknowledged to the user survives a power cut, not only a crash of the process.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

const statements = new WeakMap<PlatformDatabase, Map<string, SqliteStatement>>();

/** The prepared statement for sql on db, prepared on first use and reused after (SQLite parses it once). */
export function statement(db: PlatformDatabase, sql: string): SqliteStatement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let prepared = cache.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    cache.set(sql, prepared);
  }
  return prepared;
}

/** A value the platform keeps across restarts (e.g. the user_hash secret), made once by `create`. */
export function persistentSetting(db: PlatformDatabase, name: string, create: () => Buffer): Buffer {
  db.exec('CREATE TABLE IF NOT EXISTS platform_settings (name TEXT PRIMARY KEY, value BLOB NOT NULL)');
  db.prepare('INSERT OR IGNORE INTO platform_settings (name, value) VALUES (?, ?)').run(name, create());
  const row = db.prepare('SELECT value FROM platform_settings WHERE name = ?').get(name) as { value: Buffer };
  return row.value;
}
