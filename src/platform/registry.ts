import { randomUUID } from 'node:crypto';
import type { JsonParameterName } from '../protocol/query.js';
import { type PlatformDatabase, statement } from './database.js';
import { invalidField, PlatformInputError } from './errors.js';

export interface Service {
  readonly id: string;
  readonly name: string;
  readonly callbackUrl: string;
  /** The JSON parameter the service's receiver expects: `clear`, or the legacy `deorbit`. */
  readonly parameter: JsonParameterName;
  readonly createdAt: Date;
}

export interface ServiceToRegister {
  readonly name: string;
  readonly callbackUrl: string;
  readonly parameter?: JsonParameterName;
  /** A chosen id (letters, digits, '-', '_'); default a random UUID. */
  readonly id?: string;
}

interface ServiceRow {
  id: string;
  name: string;
  callback_url: string;
  parameter: JsonParameterName;
  created_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS services (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  callback_url TEXT NOT NULL,
  parameter TEXT NOT NULL CHECK (parameter IN ('clear', 'deorbit')),
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS authorizations (
  user_id TEXT NOT NULL,
  service_id TEXT NOT NULL REFERENCES services(id),
  session_capable INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, service_id)
);`;

const MAX_NAME_CHARS = 200;
const MAX_URL_CHARS = 2048;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const USER_PATTERN = /^[A-Za-z0-9._@+-]{1,64}$/;

function serviceOf(row: ServiceRow): Service {
  return {
    id: row.id,
    name: row.name,
    callbackUrl: row.callback_url,
    parameter: row.parameter,
    createdAt: new Date(row.created_at),
  };
}

function checkCallbackUrl(value: unknown): string {
  const expected = 'an absolute http(s) URL without a fragment';
  if (typeof value !== 'string' || value.length > MAX_URL_CHARS) throw invalidField('callback_url', expected);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidField('callback_url', expected);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash) {
    throw invalidField('callback_url', expected);
  }
  return value;
}

export function checkUserId(value: unknown, field = 'username'): string {
  if (typeof value !== 'string' || !USER_PATTERN.test(value)) {
    throw invalidField(field, '1 to 64 characters: letters, digits and . _ @ + -');
  }
  return value;
}

export function checkParameter(value: unknown): JsonParameterName {
  if (value === undefined) return 'clear';
  if (value !== 'clear' && value !== 'deorbit') throw invalidField('parameter', '"clear" or "deorbit"');
  return value;
}

/** The services registered with the platform and the users' authorizations with them. */
export class ServiceRegistry {
  readonly #db: PlatformDatabase;
  readonly #now: () => number;

  constructor(db: PlatformDatabase, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    db.exec(SCHEMA);
  }

  register(input: ServiceToRegister): Service {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (name.length === 0 || name.length > MAX_NAME_CHARS) {
      throw invalidField('name', `a non-empty string of at most ${MAX_NAME_CHARS} characters`);
    }
    const id = input.id ?? randomUUID();
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      throw invalidField('id', '1 to 64 letters, digits, "-" or "_"');
    }
    const row: ServiceRow = {
      id,
      name,
      callback_url: checkCallbackUrl(input.callbackUrl),
      parameter: checkParameter(input.parameter),
      created_at: this.#now(),
    };
    const inserted = statement(
      this.#db,
      'INSERT OR IGNORE INTO services (id, name, callback_url, parameter, created_at) VALUES (@id, @name, @callback_url, @parameter, @created_at)',
    ).run(row);
    if (inserted.changes === 0) throw invalidField('id', 'not the id of an existing service');
    return serviceOf(row);
  }

  get(id: string): Service | undefined {
    const row = statement(this.#db, 'SELECT * FROM services WHERE id = ?').get(id) as ServiceRow | undefined;
    return row && serviceOf(row);
  }

  require(id: unknown): Service {
    const service = typeof id === 'string' ? this.get(id) : undefined;
    if (!service)
      throw new PlatformInputError('unknown_service', `No service has the id ${JSON.stringify(id)}.`);
    return service;
  }

  list(): Service[] {
    return (statement(this.#db, 'SELECT * FROM services ORDER BY created_at, id').all() as ServiceRow[]).map(
      serviceOf,
    );
  }

  /** Records that the user approved a session-capable sign-in to the service (idempotent). */
  authorize(userId: string, serviceId: string, options: { sessionCapable?: boolean } = {}): void {
    statement(
      this.#db,
      `INSERT INTO authorizations (user_id, service_id, session_capable, started_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, service_id) DO UPDATE SET session_capable = excluded.session_capable`,
    ).run(
      checkUserId(userId),
      this.require(serviceId).id,
      options.sessionCapable === false ? 0 : 1,
      this.#now(),
    );
  }

  /** The services the user holds an active, session-capable authorization with. */
  activeServices(userId: string): Service[] {
    const rows = statement(
      this.#db,
      `SELECT s.* FROM authorizations a JOIN services s ON s.id = a.service_id
         WHERE a.user_id = ? AND a.session_capable = 1 ORDER BY a.started_at, s.id`,
    ).all(userId) as ServiceRow[];
    return rows.map(serviceOf);
  }

  endAuthorizations(userId: string, serviceIds: readonly string[]): void {
    const end = statement(this.#db, 'DELETE FROM authorizations WHERE user_id = ? AND service_id = ?');
    for (const serviceId of serviceIds) end.run(userId, serviceId);
  }
}
