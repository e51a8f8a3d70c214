/**
 * better-sqlite3, in the build that suits this Node.js. Version 12 is a classic addon and the last
 * to run on Node 20; built against Node 24.19+ headers it aborts the process when its statements
 * are collected at exit. Version 13 is a Node-API addon with prebuilt binaries that fixes that,
 * but needs Node 22. Both are dependencies (13 under the alias better-sqlite3-napi); one is loaded.
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

const require = createRequire(import.meta.url);
const nodeMajor = Number(process.versions.node.split('.')[0]);

export const sqliteDriverName = nodeMajor >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';

/** The better-sqlite3 Database class. */
export const Database: typeof BetterSqlite3 = require(sqliteDriverName);

export type SqliteDatabase = BetterSqlite3.Database;
export type SqliteStatement = BetterSqlite3.Statement;
