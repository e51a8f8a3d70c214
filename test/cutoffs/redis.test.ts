import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { openCutoffStore } from '../../src/cutoffs/open.js';
import { openRedisCutoffStore, type RedisCutoffStoreOptions } from '../../src/cutoffs/redis.js';
import { type CutoffStore, StoreUnavailableError } from '../../src/cutoffs/store.js';
import { freePort, type RedisServer, startRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';
import { cutoffStoreContract, logout, newUserHash } from './contract.js';

let server: RedisServer;
before(async () => {
  server = await startRedis();
});
after(() => server.stop());

/** A whole second shortly before the tests run: the stores below use the real clock. */
const RECENT = Math.floor(Date.now() / 1000) * 1000 - 10_000;
const freshPrefix = () => `test-${randomUUID()}:`;

cutoffStoreContract('redis', (options) =>
  openRedisCutoffStore(server.url, { keyPrefix: freshPrefix(), ...options }),
);

/** Opens stores that share one key prefix (one fleet) and closes them after the suite. */
function fleet(url: () => string, shared: RedisCutoffStoreOptions = {}) {
  const stores: CutoffStore[] = [];
  const keyPrefix = freshPrefix();
  after(() => Promise.all(stores.map((store) => store.close())));
  return {
    keyPrefix,
    async open(options: RedisCutoffStoreOptions = {}): Promise<CutoffStore> {
      const store = await openRedisCutoffStore(url(), { keyPrefix, ...shared, ...options });
      stores.push(store);
      return store;
    },
  };
}

describe('redis store: many instances', () => {
  const instances = fleet(() => server.url);

  it('shows a cutoff recorded on A in B’s in-process check within milliseconds', async () => {
    const [a, b] = [await instances.open(), await instances.open()];
    const user = newUserHash();
    assert.equal(b.isSessionLive(user, RECENT), true);
    const started = Date.now();
    await a.recordLogout(logout(user, RECENT));
    assert.ok(await eventually(() => !b.isSessionLive(user, RECENT), 1000), 'B learned the cutoff');
    assert.ok(Date.now() - started < 1000);
    assert.equal(b.isSessionLive(user, RECENT + 1000), true);
  });

  it('loads existing cutoffs when an instance opens, and reports replays across instances', async () => {
    const a = await instances.open();
    const user = newUserHash();
    const first = logout(user, RECENT);
    await a.recordLogout(first);
    const late = await instances.open();
    assert.deepEqual(late.cutoffOf(user), new Date(RECENT));
    assert.equal((await late.recordLogout(first)).duplicate, true);
  });

  it('keeps the maximum under concurrent writers on several instances', async () => {
    const writers = await Promise.all([1, 2, 3, 4].map(() => instances.open()));
    const user = newUserHash();
    const offsets = Array.from({ length: 200 }, (_, i) => (i * 7919) % 200);
    await Promise.all(
      offsets.map((offset, i) =>
        writers[i % writers.length]?.recordLogout(logout(user, RECENT + offset * 1000)),
      ),
    );
    const expected = new Date(RECENT + 199_000);
    const direct = new Redis(server.url);
    try {
      assert.equal(Number(await direct.zscore(`${instances.keyPrefix}cutoffs`, user)), expected.getTime());
    } finally {
      direct.disconnect();
    }
    for (const writer of writers) {
      assert.ok(await eventually(() => writer.cutoffOf(user)?.getTime() === expected.getTime(), 1000));
    }
  });

  it('repairs a missed message with the periodic resync', async () => {
    const b = await instances.open({ resyncInterval: 0.1 });
    const user = newUserHash();
    const direct = new Redis(server.url);
    try {
      await direct.zadd(`${instances.keyPrefix}cutoffs`, RECENT, user); // no PUBLISH: a lost message
    } finally {
      direct.disconnect();
    }
    assert.ok(await eventually(() => b.cutoffOf(user)?.getTime() === RECENT, 2000), 'resynced within 2 s');
  });

  it('is what openCutoffStore("redis://…") opens', async () => {
    const store = await openCutoffStore(`${server.url}/0`, { keyPrefix: freshPrefix() });
    assert.equal(store.health().ok, true);
    await store.close();
  });

  it('refuses to open, quickly, when Redis cannot be reached', async () => {
    const started = Date.now();
    await assert.rejects(
      openRedisCutoffStore(`redis://127.0.0.1:${await freePort()}`),
      StoreUnavailableError,
    );
    assert.ok(Date.now() - started < 3000);
  });
});

describe('redis store: when Redis dies and comes back', () => {
  let outage: RedisServer;
  before(async () => {
    outage = await startRedis();
  });
  after(() => outage.stop());
  const instances = fleet(() => outage.url, { staleAfter: 0.3, commandTimeout: 0.5 });
  const user = newUserHash();
  let closed: CutoffStore;
  let open: CutoffStore;

  it('rejects writes with StoreUnavailableError at once, without hanging', async () => {
    closed = await instances.open({ stalePolicy: 'closed' });
    open = await instances.open({ stalePolicy: 'open' });
    await closed.recordLogout(logout(user, RECENT));
    assert.ok(await eventually(() => open.cutoffOf(user) !== undefined, 1000));
    await outage.kill();

    const started = Date.now();
    await assert.rejects(closed.recordLogout(logout(newUserHash(), RECENT)), StoreUnavailableError);
    assert.ok(Date.now() - started < 1000, `rejected after ${Date.now() - started} ms`);
    assert.ok(await eventually(() => !closed.health().ok, 1000), 'health reports the lost connection');
  });

  it("stalePolicy 'closed': sessions count as ended once the cache is stale", async () => {
    const liveSession = RECENT + 5000;
    assert.equal(closed.isSessionLive(user, liveSession), true, 'not stale yet');
    assert.ok(await eventually(() => closed.health().stale, 2000), 'stale after staleAfter');
    assert.equal(closed.isSessionLive(user, liveSession), false);
    assert.equal(closed.isSessionLive(newUserHash(), liveSession), false);
    assert.deepEqual(closed.cutoffOf(user), new Date(RECENT), 'the cache still knows the cutoff');
  });

  it("stalePolicy 'open': sessions are checked against the cache it has", async () => {
    assert.ok(await eventually(() => open.health().stale, 2000));
    assert.deepEqual(
      { ...open.health(), detail: undefined },
      { ok: false, stale: true, stalePolicy: 'open', cachedCutoffs: 1, detail: undefined },
    );
    assert.equal(open.isSessionLive(user, RECENT + 5000), true);
    assert.equal(open.isSessionLive(user, RECENT), false);
  });

  it('recovers after a restart: reconnects, resyncs, writes again, and restores what Redis lost', async () => {
    await outage.restart();
    for (const store of [closed, open]) {
      assert.ok(await eventually(() => store.health().ok && !store.health().stale, 5000), 'recovered');
    }
    assert.equal(closed.isSessionLive(user, RECENT + 5000), true, 'no longer stale');
    assert.equal(closed.isSessionLive(user, RECENT), false, 'the cutoff survived the empty restart');

    const newcomer = await instances.open();
    assert.deepEqual(newcomer.cutoffOf(user), new Date(RECENT), 'written back to Redis by the survivors');
    const other = newUserHash();
    await open.recordLogout(logout(other, RECENT));
    assert.ok(await eventually(() => !closed.isSessionLive(other, RECENT), 1000), 'pub/sub works again');
  });
});
