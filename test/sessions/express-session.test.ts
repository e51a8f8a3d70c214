import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, describe, test } from 'node:test';
import express from 'express';
import session from 'express-session';
import { createMemoryCutoffStore } from '../../src/cutoffs/memory.js';
import { expressLogoutHandler } from '../../src/receiver/express.js';
import {
  type EndedSessionAnswer,
  endEndedSessions,
  markSignedIn,
} from '../../src/sessions/express-session.js';
import { closeServer, keys, listen, newUserHash, signedQuery } from '../receiver/fixtures.js';

/** A small service: sign-in, a page that needs the session, and the logout callback. */
async function startService(answer?: EndedSessionAnswer) {
  const cutoffs = createMemoryCutoffStore();
  const sessions = new session.MemoryStore();
  const app = express();
  app.all('/callback', expressLogoutHandler({ keys: keys.publicKey, store: cutoffs }));
  app.use(session({ secret: 'test-only-secret', store: sessions, resave: false, saveUninitialized: false }));
  app.use(endEndedSessions({ store: cutoffs, ...(answer ? { answer } : {}) }));
  app.post('/login', (req, res) => {
    markSignedIn(req.session, String(req.query.user));
    res.json({ signedIn: true });
  });
  app.get('/me', (req, res) => {
    res.json({ userHash: req.session.logoutCallback?.userHash ?? null });
  });
  const server = createServer(app);
  const base = await listen(server);
  const sessionCount = () =>
    new Promise<number>((resolve, reject) =>
      sessions.length((error, length) => (error ? reject(error) : resolve(length ?? 0))),
    );
  return {
    base,
    sessionCount,
    close: async () => {
      await closeServer(server);
      await cutoffs.close();
    },
  };
}

async function signIn(base: string, userHash: string): Promise<string> {
  const response = await fetch(`${base}/login?user=${encodeURIComponent(userHash)}`, { method: 'POST' });
  assert.equal(response.status, 200);
  const cookie = response.headers.get('set-cookie');
  assert.ok(cookie, 'a session cookie');
  return cookie.split(';')[0]!;
}

function visit(base: string, cookie: string): Promise<Response> {
  return fetch(`${base}/me`, {
    headers: { cookie },
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  });
}

async function logOut(base: string, userHash: string, loggedOutAt = new Date()): Promise<void> {
  const response = await fetch(`${base}/callback?${signedQuery(userHash, loggedOutAt)}`, { method: 'POST' });
  assert.equal(response.status, 200);
}

describe('express-session integration, end to end', () => {
  const services: Array<{ close(): Promise<void> }> = [];
  after(() => Promise.all(services.map((service) => service.close())));

  test('sign in, logout callback, next request: 401 and the session is destroyed', async () => {
    const service = await startService();
    services.push(service);
    const hash = newUserHash();
    const cookie = await signIn(service.base, hash);
    assert.deepEqual(await (await visit(service.base, cookie)).json(), { userHash: hash });
    assert.equal(await service.sessionCount(), 1);

    await logOut(service.base, hash);
    const ended = await visit(service.base, cookie);
    assert.equal(ended.status, 401);
    assert.equal(ended.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await ended.json(), {
      ok: false,
      reason: 'session_ended',
      message: 'You were signed out.',
    });
    assert.equal(await service.sessionCount(), 0, 'the session is gone from the session store');
    assert.deepEqual(await (await visit(service.base, cookie)).json(), { userHash: null });
  });

  test('a session started after the logout stays; other users are untouched', async () => {
    const service = await startService();
    services.push(service);
    const hash = newUserHash();
    const other = newUserHash();
    const otherCookie = await signIn(service.base, other);
    await logOut(service.base, hash, new Date(Date.now() - 5_000));
    const cookie = await signIn(service.base, hash);
    const response = await visit(service.base, cookie);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { userHash: hash });
    assert.equal((await visit(service.base, otherCookie)).status, 200);
  });

  test('configured with a redirect: 303 to the sign-in page', async () => {
    const service = await startService({ redirect: '/signin' });
    services.push(service);
    const hash = newUserHash();
    const cookie = await signIn(service.base, hash);
    await logOut(service.base, hash);
    const response = await visit(service.base, cookie);
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/signin');
    assert.equal(await service.sessionCount(), 0);
  });
});
