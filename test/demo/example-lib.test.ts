import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { createLogoutEvents } from '../../examples/lib/logout-events.mjs';
import { sessionStartAfterCutoff } from '../../examples/lib/sign-in.mjs';
import { createMemoryCutoffStore } from '../../src/cutoffs/memory.js';

const SECOND = 1000;

async function logOut(store: ReturnType<typeof createMemoryCutoffStore>, userHash: string, at: number) {
  await store.recordLogout({
    userHash,
    loggedOutAt: new Date(at),
    receivedAt: new Date(at),
    signatureDigest: randomBytes(32).toString('hex'),
  });
}

describe('examples/lib: the session start after a cutoff', () => {
  test('a sign-in within the cutoff second waits for the next second, and its session stays', async () => {
    const store = createMemoryCutoffStore();
    try {
      const userHash = 'user-in-the-same-second';
      const now = Date.now();
      await logOut(store, userHash, now);
      const startedAt = await sessionStartAfterCutoff(store, userHash);
      assert.ok(startedAt >= Math.floor(now / SECOND) * SECOND + SECOND, 'not within the cutoff second');
      assert.ok(startedAt - now < SECOND + 500, `waited ${startedAt - now} ms: about a second at most`);
      assert.equal(store.isSessionLive(userHash, startedAt), true);
      // Without the wait, the same moment would have been ended: the case this guards against.
      assert.equal(store.isSessionLive(userHash, now), false);
    } finally {
      await store.close();
    }
  });

  test('without a cutoff in the current second, the session starts at once', async () => {
    const store = createMemoryCutoffStore();
    try {
      await logOut(store, 'user-logged-out-earlier', Date.now() - 5 * SECOND);
      for (const userHash of ['user-logged-out-earlier', 'user-never-logged-out']) {
        const before = Date.now();
        const startedAt = await sessionStartAfterCutoff(store, userHash);
        assert.ok(startedAt - before < 50, `started after ${startedAt - before} ms`);
        assert.equal(store.isSessionLive(userHash, startedAt), true);
      }
    } finally {
      await store.close();
    }
  });
});

describe('examples/lib: logout events to the open pages', () => {
  const decoder = new TextDecoder();
  const read = async (reader: ReadableStreamDefaultReader<Uint8Array>) =>
    decoder.decode((await reader.read()).value);

  test("only that user's pages hear the logout, and a page that goes away is forgotten", async () => {
    const events = createLogoutEvents();
    try {
      const alice = events.stream('alice').getReader();
      const bob = events.stream('bob').getReader();
      assert.match(await read(alice), /^retry: 2000\nevent: ready\n/);
      assert.match(await read(bob), /event: ready/);
      assert.equal(events.size(), 2);

      const loggedOutAt = new Date('2026-01-02T03:04:05Z');
      events.publish('alice', { loggedOutAt, cutoff: loggedOutAt });
      assert.equal(
        await read(alice),
        'event: logout\ndata: {"loggedOutAt":"2026-01-02T03:04:05.000Z","cutoff":"2026-01-02T03:04:05.000Z"}\n\n',
      );

      await alice.cancel();
      assert.equal(events.size(), 1);
      events.close();
      assert.equal((await bob.read()).done, true, "bob's stream ends when the service closes");
      assert.equal(events.size(), 0);
    } finally {
      events.close();
    }
  });
});
