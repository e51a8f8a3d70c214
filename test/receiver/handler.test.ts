import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMemoryCutoffStore } from '../../src/cutoffs/memory.js';
import { type CutoffStore, StoreUnavailableError } from '../../src/cutoffs/store.js';
import { REJECTION_REASONS, type RejectionReason } from '../../src/protocol/reasons.js';
import { createLogoutHandler, type LogoutEvent, type RefusalReason } from '../../src/receiver/handler.js';
import type { ReceiverLogger } from '../../src/receiver/logger.js';
import { keys, newUserHash, signedJsonQuery, signedQuery, tamperedQuery } from './fixtures.js';

const BASE = 'http://receiver.test/callback';

function recordingLogger(): ReceiverLogger & { errors: object[] } {
  const errors: object[] = [];
  return { info: () => {}, warn: () => {}, error: (details) => errors.push(details), errors };
}

async function answer(handler: (r: Request) => Promise<Response>, request: Request) {
  const response = await handler(request);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('content-type'), 'application/json');
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** One request per reason code; typed as a Record so a new code cannot go untested. */
function rejectedQueries(): Record<RejectionReason, string> {
  const hash = newUserHash();
  const valid = new URLSearchParams(signedQuery(hash));
  return {
    missing_parameter: `signature=${encodeURIComponent(valid.get('signature')!)}`,
    duplicate_parameter: `${valid}&clear=${encodeURIComponent(valid.get('clear')!)}`,
    too_large: signedJsonQuery(`{"api_time": "x", "user_hash": "${'a'.repeat(5000)}"}`),
    malformed_signature: `clear=${encodeURIComponent(valid.get('clear')!)}&signature=%21%21%21`,
    bad_signature: tamperedQuery(hash),
    malformed_payload: signedJsonQuery('{"user_hash": 42}'),
    expired: signedQuery(hash, new Date(Date.now() - 400_000)),
    from_future: signedQuery(hash, new Date(Date.now() + 120_000)),
  };
}

describe('createLogoutHandler', () => {
  test('every rejection reason is a 400 with that stable code, and onRejected hears it', async () => {
    const store = createMemoryCutoffStore();
    const heard: RefusalReason[] = [];
    const handler = createLogoutHandler({
      keys: keys.publicKey,
      store,
      hooks: { onRejected: (reason) => void heard.push(reason) },
    });
    const queries = rejectedQueries();
    for (const reason of REJECTION_REASONS) {
      const { status, body } = await answer(handler, new Request(`${BASE}?${queries[reason]}`));
      assert.equal(status, 400, reason);
      assert.equal(body.ok, false);
      assert.equal(body.reason, reason);
      assert.equal(typeof body.message, 'string');
      assert.doesNotMatch(String(body.message), /\n\s+at /, 'no stack trace');
    }
    assert.deepEqual(heard, [...REJECTION_REASONS]);
    await store.close();
  });

  test('200 only after the cutoff is stored; the session that started before it is ended', async () => {
    const store = createMemoryCutoffStore();
    const events: Array<{ event: LogoutEvent; storedBefore: boolean }> = [];
    const handler = createLogoutHandler({
      keys: [keys.publicKey],
      store,
      hooks: {
        onLogout: (event) =>
          void events.push({ event, storedBefore: store.cutoffOf(event.userHash) !== undefined }),
      },
    });
    const hash = newUserHash();
    const startedAt = Date.now() - 60_000;
    assert.equal(store.isSessionLive(hash, startedAt), true);
    const { status, body } = await answer(
      handler,
      new Request(`${BASE}?${signedQuery(hash)}`, { method: 'POST' }),
    );
    assert.equal(status, 200);
    assert.equal(body.ok, true);
    assert.equal(body.userHash, hash);
    assert.equal(body.duplicate, false);
    assert.match(String(body.cutoff), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(store.isSessionLive(hash, startedAt), false);
    assert.equal(store.isSessionLive(hash, Date.now() + 2000), true, 'a later session stays');
    assert.equal(events.length, 1);
    assert.equal(events[0]?.storedBefore, true);
    assert.equal(events[0]?.event.duplicate, false);
    await store.close();
  });

  test('the same callback twice: 200 both times, the second marked duplicate', async () => {
    const store = createMemoryCutoffStore();
    const handler = createLogoutHandler({ keys: keys.publicKey, store });
    const query = signedQuery(newUserHash());
    const first = await answer(handler, new Request(`${BASE}?${query}`));
    const second = await answer(handler, new Request(`${BASE}?${query}`));
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(first.body.duplicate, false);
    assert.equal(second.body.duplicate, true);
    assert.equal(second.body.cutoff, first.body.cutoff);
    await store.close();
  });

  test('a store that cannot store: 503 store_unavailable, nothing claimed stored, onLogout not run', async () => {
    const failing: Pick<CutoffStore, 'recordLogout'> = {
      recordLogout: () => Promise.reject(new StoreUnavailableError('redis is down')),
    };
    const logger = recordingLogger();
    const heard: RefusalReason[] = [];
    let logouts = 0;
    const handler = createLogoutHandler({
      keys: keys.publicKey,
      store: failing,
      logger,
      hooks: { onLogout: () => void logouts++, onRejected: (reason) => void heard.push(reason) },
    });
    const request = new Request(`${BASE}?${signedQuery(newUserHash())}`);
    const response = await handler(request);
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('retry-after'), '1');
    assert.deepEqual(await response.json(), {
      ok: false,
      reason: 'store_unavailable',
      message: 'The logout could not be stored; retry later.',
    });
    assert.equal(logouts, 0);
    assert.deepEqual(heard, ['store_unavailable']);
    assert.equal(logger.errors.length, 1);
  });

  test('a throwing hook is logged and the stored logout still answers 200', async () => {
    const store = createMemoryCutoffStore();
    const logger = recordingLogger();
    const handler = createLogoutHandler({
      keys: keys.publicKey,
      store,
      logger,
      hooks: {
        onLogout: async () => {
          throw new Error('follow-up failed');
        },
        onRejected: () => {
          throw new Error('metrics down');
        },
      },
    });
    const accepted = await answer(handler, new Request(`${BASE}?${signedQuery(newUserHash())}`));
    assert.equal(accepted.status, 200);
    const rejected = await answer(handler, new Request(`${BASE}?${tamperedQuery(newUserHash())}`));
    assert.equal(rejected.status, 400);
    assert.deepEqual(logger.errors, [
      { hook: 'onLogout', error: 'Error: follow-up failed' },
      { hook: 'onRejected', error: 'Error: metrics down' },
    ]);
    await store.close();
  });

  test('the body is ignored up to 16 KiB and refused with 413 beyond, declared or streamed', async () => {
    const store = createMemoryCutoffStore();
    const handler = createLogoutHandler({ keys: keys.publicKey, store });
    const small = await answer(
      handler,
      new Request(`${BASE}?${signedQuery(newUserHash())}`, { method: 'POST', body: 'x'.repeat(16_384) }),
    );
    assert.equal(small.status, 200);
    const declared = await answer(
      handler,
      new Request(`${BASE}?${signedQuery(newUserHash())}`, { method: 'POST', body: 'x'.repeat(16_385) }),
    );
    assert.equal(declared.status, 413);
    assert.equal(declared.body.reason, 'too_large');
    const chunks = Array.from({ length: 40 }, () => new Uint8Array(1024));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.pop();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const hash = newUserHash();
    const streamed = await answer(
      handler,
      new Request(`${BASE}?${signedQuery(hash)}`, {
        method: 'PUT',
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    assert.equal(streamed.status, 413);
    assert.equal(store.cutoffOf(hash), undefined, 'a refused request stores nothing');
    assert.ok(chunks.length > 0, 'the stream was not read to its end');
    await store.close();
  });

  test('any method is accepted; only the query counts', async () => {
    const store = createMemoryCutoffStore();
    const handler = createLogoutHandler({ keys: keys.publicKey, store });
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const { status } = await answer(
        handler,
        new Request(`${BASE}?${signedQuery(newUserHash())}`, { method }),
      );
      assert.equal(status, 200, method);
    }
    await store.close();
  });

  test('bad configuration throws at once', () => {
    const store = createMemoryCutoffStore();
    assert.throws(() => createLogoutHandler({ keys: 'not a key', store }), {
      name: 'LogoutCallbackConfigError',
    });
    assert.throws(() => createLogoutHandler({ keys: keys.publicKey, store, maxBodyBytes: -1 }), {
      code: 'invalid_option',
    });
  });
});
