import { randomUUID } from 'node:crypto';
import { type PlatformDatabase, statement } from './database.js';
import { PlatformInputError } from './errors.js';

export type SignInStatus = 'pending' | 'approved' | 'denied';

/** A service's request that a user sign in (the platform's auth request), as the user decides it. */
export interface SignInRequest {
  readonly id: string;
  readonly serviceId: string;
  readonly userId: string;
  readonly status: SignInStatus;
  readonly createdAt: Date;
  readonly decidedAt?: Date;
}

interface SignInRow {
  id: string;
  service_id: string;
  user_id: string;
  status: SignInStatus;
  created_at: number;
  decided_at: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sign_ins (
  id TEXT PRIMARY KEY,
  service_id TEXT NOT NULL REFERENCES services(id),
  user_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
  created_at INTEGER NOT NULL,
  decided_at INTEGER
);
CREATE INDEX IF NOT EXISTS sign_ins_user ON sign_ins (user_id, status, created_at);`;

function signInOf(row: SignInRow): SignInRequest {
  return {
    id: row.id,
    serviceId: row.service_id,
    userId: row.user_id,
    status: row.status,
    createdAt: new Date(row.created_at),
    ...(row.decided_at === null ? {} : { decidedAt: new Date(row.decided_at) }),
  };
}

/** Sign-in requests waiting for, or decided by, the user on the mobile authenticator. */
export class SignInRequests {
  readonly #db: PlatformDatabase;
  readonly #now: () => number;

  constructor(db: PlatformDatabase, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    db.exec(SCHEMA);
  }

  /** The caller has checked the service and the user id. */
  create(serviceId: string, userId: string): SignInRequest {
    const row: SignInRow = {
      id: randomUUID(),
      service_id: serviceId,
      user_id: userId,
      status: 'pending',
      created_at: this.#now(),
      decided_at: null,
    };
    statement(
      this.#db,
      'INSERT INTO sign_ins (id, service_id, user_id, status, created_at, decided_at) VALUES (@id, @service_id, @user_id, @status, @created_at, @decided_at)',
    ).run(row);
    return signInOf(row);
  }

  get(id: string): SignInRequest | undefined {
    const row = statement(this.#db, 'SELECT * FROM sign_ins WHERE id = ?').get(id) as SignInRow | undefined;
    return row && signInOf(row);
  }

  require(id: unknown): SignInRequest {
    const request = typeof id === 'string' ? this.get(id) : undefined;
    if (!request)
      throw new PlatformInputError('unknown_sign_in', `No sign-in request has the id ${JSON.stringify(id)}.`);
    return request;
  }

  pendingFor(userId: string): SignInRequest[] {
    const rows = statement(
      this.#db,
      "SELECT * FROM sign_ins WHERE user_id = ? AND status = 'pending' ORDER BY created_at, id",
    ).all(userId) as SignInRow[];
    return rows.map(signInOf);
  }

  /** Approves or denies a pending request; a decided one stays as it was. */
  decide(id: string, status: Exclude<SignInStatus, 'pending'>): SignInRequest {
    const changed = statement(
      this.#db,
      "UPDATE sign_ins SET status = ?, decided_at = ? WHERE id = ? AND status = 'pending'",
    ).run(status, this.#now(), id);
    const request = this.require(id);
    if (changed.changes === 0) {
      throw new PlatformInputError('already_decided', `The sign-in request was already ${request.status}.`);
    }
    return request;
  }
}
