import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openCutoffStore } from '../../src/cutoffs/open.js';
import { openSqliteCutoffStore } from '../../src/cutoffs/sqlite.js';
import { StoreUnavailableError } from '../../src/cutoffs/store.js';
import { Database } from '../../src/sqlite/driver.js';
import { cutoffStoreContract, logout, newUserHash, T } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-cutoffs-sqlite-'));
let files = 0;
const freshFile = () => join(dir, `cutoffs-${++files}.db`);
after(() => rmSync(dir, { recursive: true, force: true }));

cutoffStoreContract('sqlite', (options) => openSqliteCutoffStore(freshFile(), options));

describe('sqlite store', () => {
  it('keeps cutoffs and replay digests across close and reopen', async () => {
    const file = freshFile();
    const user = newUserHash();
    const first = logout(user, T);
    const options = { now: () => T + 5000 };
    const store = await openSqliteCutoffStore(file, options);
    await store.recordLogout(first);
    await store.recordLogout(logout(user, T - 60_000));
    await store.close();

    const reopened = await openSqliteCutoffStore(file, options);
    assert.deepEqual(reopened.cutoffOf(user), new Date(T), 'loaded into the cache on open');
    assert.equal(reopened.isSessionLive(user, T + 999), false);
    assert.equal(reopened.isSessionLive(user, T + 1000), true);
    assert.equal((await reopened.recordLogout(first)).duplicate, true, 'the replay is remembered');
    await reopened.close();
  });

  it('commits writes of one event-loop turn together, each durable and each answered', async () => {
    const file = freshFile();
    const options = { now: () => T + 5000 };
    const store = await openSqliteCutoffStore(file, options);
    const users = Array.from({ length: 50 }, newUserHash);
    const replayed = logout(users[0]!, T);
    const results = await Promise.all([
      ...users.map((user, i) => store.recordLogout(i === 0 ? replayed : logout(user, T + i))),
      store.recordLogout(replayed),
    ]);
    assert.equal(results.at(-1)!.duplicate, true, 'a replay within the same batch is reported');
    assert.equal(results.filter((r) => r.duplicate).length, 1);
    await store.close();

    const reopened = await openSqliteCutoffStore(file, options);
    for (const [i, user] of users.entries()) assert.deepEqual(reopened.cutoffOf(user), new Date(T + i));
    await reopened.close();
  });

  it('does not load moot cutoffs and deletes them from the file', async () => {
    const file = freshFile();
    let clock = T;
    const options = { now: () => clock, maxSessionAge: 60 };
    const store = await openSqliteCutoffStore(file, options);
    await store.recordLogout(logout('old', T));
    await store.recordLogout(logout('recent', T + 60_000));
    await store.close();

    clock = T + 61_000;
    const reopened = await openSqliteCutoffStore(file, options);
    assert.equal(reopened.health().cachedCutoffs, 1);
    assert.equal(reopened.cutoffOf('old'), undefined);
    await reopened.close();

    clock = T;
    const rewound = await openSqliteCutoffStore(file, options);
    assert.equal(rewound.cutoffOf('old'), undefined, 'the moot row was deleted, not just skipped');
    assert.deepEqual(rewound.cutoffOf('recent'), new Date(T + 60_000));
    await rewound.close();
  });

  it('openCutoffStore("sqlite:PATH") creates the directory', async () => {
    const file = join(dir, 'nested', 'deeper', 'cutoffs.db');
    const store = await openCutoffStore(`sqlite:${file}`);
    assert.ok(existsSync(file));
    assert.equal(store.health().ok, true);
    await store.close();
  });

  it('rejects with StoreUnavailableError when the file cannot be opened', async () => {
    const plainFile = join(dir, 'plain-file');
    writeFileSync(plainFile, 'not a directory');
    await assert.rejects(openSqliteCutoffStore(join(plainFile, 'cutoffs.db')), StoreUnavailableError);
  });

  it('rejects a write with StoreUnavailableError, bounded, while another connection holds the lock', async () => {
    const file = freshFile();
    const store = await openSqliteCutoffStore(file);
    const intruder = new Database(file);
    intruder.exec('BEGIN EXCLUSIVE');
    try {
      const started = Date.now();
      await assert.rejects(store.recordLogout(logout(newUserHash(), T)), StoreUnavailableError);
      assert.ok(Date.now() - started < 3000, 'failed within the busy timeout');
      assert.equal(store.health().cachedCutoffs, 0, 'nothing cached that was not stored');
    } finally {
      intruder.exec('ROLLBACK');
      intruder.close();
      await store.close();
    }
  });

  it('has every cutoff it confirmed after kill -9 mid-stream', async () => {
    const file = freshFile();
    const fixture = join(import.meta.dirname, 'fixtures', 'record-until-killed.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const confirmed = new Map<string, number>();
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [user, cutoff] = line.split(' ');
        if (user && cutoff) confirmed.set(user, Math.max(confirmed.get(user) ?? 0, Number(cutoff)));
        if (confirmed.size === 50 && !child.killed) child.kill('SIGKILL');
      }
    });
    assert.equal(await exited, 'SIGKILL', 'killed mid-stream, before it finished by itself');
    assert.equal(confirmed.size, 50);

    const reopened = await openSqliteCutoffStore(file);
    for (const [user, cutoff] of confirmed) {
      const stored = reopened.cutoffOf(user)?.getTime();
      assert.ok(stored !== undefined && stored >= cutoff, `${user}: confirmed ${cutoff}, stored ${stored}`);
    }
    await reopened.close();
  });
});
