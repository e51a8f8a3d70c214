import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryCutoffStore } from '../../src/cutoffs/memory.js';
import { createLogoutHandler } from '../../src/receiver/handler.js';
import { isSessionLive, isTokenLive } from '../../src/sessions/index.js';
import { keys, newUserHash, signedQuery } from '../receiver/fixtures.js';

test('stateless sessions: a token issued before the logout is ended, one issued after stays', async () => {
  const store = createMemoryCutoffStore();
  const handler = createLogoutHandler({ keys: keys.publicKey, store });
  const hash = newUserHash();
  const loggedOutAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 10_000);
  const iatBefore = loggedOutAt.getTime() / 1000 - 60;
  const iatAfter = loggedOutAt.getTime() / 1000 + 5;
  assert.equal(isTokenLive(store, hash, iatBefore), true);

  const response = await handler(
    new Request(`http://service.test/callback?${signedQuery(hash, loggedOutAt)}`),
  );
  assert.equal(response.status, 200);

  assert.equal(isTokenLive(store, hash, iatBefore), false);
  assert.equal(isTokenLive(store, hash, loggedOutAt.getTime() / 1000), false, 'the cutoff second itself');
  assert.equal(isTokenLive(store, hash, iatAfter), true);
  assert.equal(isSessionLive(store, hash, new Date(iatBefore * 1000)), false);
  assert.equal(isSessionLive(store, hash, iatAfter * 1000), true);
  assert.equal(isTokenLive(store, newUserHash(), iatBefore), true, 'another user');
  await store.close();
});

test('a token without a usable iat counts as ended', async () => {
  const store = createMemoryCutoffStore();
  for (const iat of [undefined, null, '1700000000', Number.NaN, -1, Number.POSITIVE_INFINITY]) {
    assert.equal(isTokenLive(store, newUserHash(), iat), false, String(iat));
  }
  await store.close();
});
