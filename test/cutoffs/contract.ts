/** The one contract every CutoffStore meets; memory/sqlite/redis.test.ts run it against each store. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import {
  type CutoffStore,
  type CutoffStoreOptions,
  type LogoutToRecord,
  StoreUnavailableError,
} from '../../src/cutoffs/store.js';
import { eventually } from '../helpers/wait.js';

/** Opens a store with its own, empty storage. */
export type StoreFactory = (options: CutoffStoreOptions) => Promise<CutoffStore>;

export const T = Date.parse('2026-03-01T12:00:00Z');
const DAY_SECONDS = 86_400;

export function newUserHash(): string {
  return randomBytes(32).toString('base64url').slice(0, 43);
}

export function logout(
  userHash: string,
  loggedOutAt: number,
  receivedAt = loggedOutAt + 2000,
): LogoutToRecord {
  return {
    userHash,
    loggedOutAt: new Date(loggedOutAt),
    receivedAt: new Date(receivedAt),
    signatureDigest: randomBytes(32).toString('hex'),
  };
}

export function cutoffStoreContract(storeName: string, openStore: StoreFactory): void {
  describe(`${storeName} store: the CutoffStore contract`, () => {
    const opened: CutoffStore[] = [];
    let clock = T;
    const open = async (options: CutoffStoreOptions = {}) => {
      const store = await openStore({ now: () => clock, ...options });
      opened.push(store);
      return store;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      clock = T;
    });

    it('knows no cutoff for an unknown user, whose sessions are live', async () => {
      const store = await open();
      assert.equal(store.cutoffOf(newUserHash()), undefined);
      assert.equal(store.isSessionLive(newUserHash(), T - 1000), true);
    });

    it('records the logout time as the cutoff', async () => {
      const store = await open();
      const user = newUserHash();
      const recorded = await store.recordLogout(logout(user, T));
      assert.deepEqual(recorded, { cutoff: new Date(T), duplicate: false });
      assert.deepEqual(store.cutoffOf(user), new Date(T));
    });

    it('caps a future-dated logout at its arrival time', async () => {
      const store = await open();
      const user = newUserHash();
      const recorded = await store.recordLogout(logout(user, T + 60_000, T + 1500));
      assert.deepEqual(recorded.cutoff, new Date(T + 1500));
      assert.equal(store.isSessionLive(user, T + 1999), false);
      assert.equal(store.isSessionLive(user, T + 2000), true);
    });

    it('ends sessions started in or before the cutoff second; a session of the next second stays', async () => {
      const store = await open();
      const user = newUserHash();
      await store.recordLogout(logout(user, T));
      assert.equal(store.isSessionLive(user, T - 3_600_000), false);
      assert.equal(store.isSessionLive(user, new Date(T)), false, 'the equal second');
      assert.equal(store.isSessionLive(user, T + 999), false, 'later in the equal second');
      assert.equal(store.isSessionLive(user, T + 1000), true, 'the next second');
      assert.equal(store.isSessionLive(newUserHash(), T - 1000), true, 'another user');
    });

    it('only moves a cutoff forward: an older or replayed logout changes nothing', async () => {
      const store = await open();
      const user = newUserHash();
      await store.recordLogout(logout(user, T));
      const older = await store.recordLogout(logout(user, T - 60_000));
      assert.deepEqual(older.cutoff, new Date(T));
      const newer = await store.recordLogout(logout(user, T + 60_000));
      assert.deepEqual(newer.cutoff, new Date(T + 60_000));
      assert.equal(store.isSessionLive(user, T + 30_000), false);
      assert.deepEqual(store.cutoffOf(user), new Date(T + 60_000));
    });

    it('keeps the latest cutoff when logouts for one user arrive concurrently', async () => {
      const store = await open();
      const user = newUserHash();
      const offsets = Array.from({ length: 40 }, (_, i) => ((i * 7919) % 40) * 1000);
      const results = await Promise.all(
        offsets.map((offset) => store.recordLogout(logout(user, T + offset))),
      );
      assert.deepEqual(store.cutoffOf(user), new Date(T + 39_000));
      for (const [i, result] of results.entries())
        assert.ok(result.cutoff.getTime() >= T + (offsets[i] ?? 0));
    });

    it('reports a replayed signature as duplicate, and a different one not', async () => {
      const store = await open();
      const user = newUserHash();
      const first = logout(user, T);
      assert.equal((await store.recordLogout(first)).duplicate, false);
      assert.deepEqual(await store.recordLogout(first), { cutoff: new Date(T), duplicate: true });
      assert.equal((await store.recordLogout(logout(user, T))).duplicate, false);
    });

    it('forgets a replayed signature once the replay window has passed', async () => {
      const store = await open({ now: Date.now, replayWindow: 0.2 });
      const first = logout(newUserHash(), Date.now());
      await store.recordLogout(first);
      assert.equal((await store.recordLogout(first)).duplicate, true);
      await sleep(300);
      assert.equal((await store.recordLogout(first)).duplicate, false);
    });

    it('forgets moot cutoffs on lookup once they are older than maxSessionAge', async () => {
      const store = await open({ maxSessionAge: DAY_SECONDS });
      const user = newUserHash();
      await store.recordLogout(logout(user, T));
      clock = T + DAY_SECONDS * 1000 + 999;
      assert.deepEqual(store.cutoffOf(user), new Date(T), 'a session started in the cutoff second may live');
      clock += 1;
      assert.equal(store.cutoffOf(user), undefined);
      assert.equal(store.health().cachedCutoffs, 0);
    });

    it('forgets moot cutoffs in a periodic sweep, without lookups', async () => {
      const store = await open({ maxSessionAge: 60, sweepInterval: 0.02 });
      for (let i = 0; i < 20; i++) await store.recordLogout(logout(newUserHash(), T + i));
      assert.equal(store.health().cachedCutoffs, 20);
      clock = T + 120_000;
      assert.ok(await eventually(() => store.health().cachedCutoffs === 0, 2000), 'swept within 2 s');
    });

    it('stores the max of any sequence of deliveries, in any order', async () => {
      const store = await open();
      const delivery = fc.record({ loggedOutAt: fc.integer({ min: -1e6, max: 1e6 }), delay: fc.nat(1e6) });
      await fc.assert(
        fc.asyncProperty(fc.array(delivery, { minLength: 1, maxLength: 8 }), async (deliveries) => {
          const user = newUserHash();
          for (const { loggedOutAt, delay } of deliveries) {
            await store.recordLogout(logout(user, T + loggedOutAt, T + loggedOutAt - 1e6 + delay));
          }
          const expected = Math.max(...deliveries.map((d) => T + d.loggedOutAt + Math.min(0, d.delay - 1e6)));
          assert.deepEqual(store.cutoffOf(user), new Date(expected));
        }),
        { numRuns: 25 },
      );
    });

    it('reports health and its stale policy', async () => {
      const store = await open({ stalePolicy: 'open' });
      await store.recordLogout(logout(newUserHash(), T));
      assert.deepEqual(store.health(), { ok: true, stale: false, stalePolicy: 'open', cachedCutoffs: 1 });
    });

    it('rejects a malformed logout without storing it', async () => {
      const store = await open();
      await assert.rejects(store.recordLogout(logout('', T)), TypeError);
      await assert.rejects(
        store.recordLogout({ ...logout(newUserHash(), T), loggedOutAt: new Date(Number.NaN) }),
      );
      assert.equal(store.health().cachedCutoffs, 0);
    });

    it('rejects writes with StoreUnavailableError once closed; close is idempotent', async () => {
      const store = await open();
      await store.close();
      await store.close();
      await assert.rejects(store.recordLogout(logout(newUserHash(), T)), StoreUnavailableError);
      assert.equal(store.health().ok, false);
    });
  });
}
