import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { createMemoryCutoffStore } from '../../src/cutoffs/memory.js';
import type { CutoffStore } from '../../src/cutoffs/store.js';
import { expressLogoutHandler } from '../../src/receiver/express.js';
import { fastifyLogoutCallback } from '../../src/receiver/fastify.js';
import { honoLogoutHandler } from '../../src/receiver/hono.js';
import { koaLogoutMiddleware } from '../../src/receiver/koa.js';
import { createNodeListener } from '../../src/receiver/node.js';
import { closeServer, fetchJson, keys, listen, newUserHash, signedQuery, tamperedQuery } from './fixtures.js';

interface Running {
  /** The full callback URL, without a query. */
  readonly callbackUrl: string;
  close(): Promise<void>;
}

type Start = (store: CutoffStore) => Promise<Running>;

async function onServer(server: Server, path: string): Promise<Running> {
  const base = await listen(server);
  return { callbackUrl: `${base}${path}`, close: () => closeServer(server) };
}

const adapters: Record<string, Start> = {
  'node:http': (store) =>
    onServer(createServer(createNodeListener({ keys: keys.publicKey, store })), '/callback'),
  'Express 5 (mounted under a router)': (store) => {
    const app = express();
    app.use(express.json());
    const router = express.Router();
    router.all('/callback', expressLogoutHandler({ keys: keys.publicKey, store }));
    app.use('/hooks', router);
    return onServer(createServer(app), '/hooks/callback');
  },
  'Fastify 5 (plugin with a prefix)': async (store) => {
    const app = Fastify();
    await app.register(fastifyLogoutCallback, { prefix: '/hooks', keys: keys.publicKey, store });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    return { callbackUrl: `${base}/hooks/callback`, close: () => app.close() };
  },
  'Hono 4 on @hono/node-server': async (store) => {
    const app = new Hono();
    app.all('/callback', honoLogoutHandler({ keys: keys.publicKey, store }));
    const server = await new Promise<Server>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(started as Server),
      );
    });
    const port = (server.address() as AddressInfo).port;
    return { callbackUrl: `http://127.0.0.1:${port}/callback`, close: () => closeServer(server) };
  },
  'Koa 3': (store) => {
    const app = new Koa();
    app.use(koaLogoutMiddleware({ path: '/callback', keys: keys.publicKey, store }));
    app.use((ctx) => {
      ctx.body = 'other route';
    });
    return onServer(createServer(app.callback()), '/callback');
  },
};

for (const [name, start] of Object.entries(adapters)) {
  describe(`${name} adapter over real HTTP`, () => {
    const store = createMemoryCutoffStore();
    const running = start(store);
    after(async () => {
      await (await running).close();
      await store.close();
    });

    test('a signed callback: 200 after storing, and the session that began before it is ended', async () => {
      const { callbackUrl } = await running;
      const hash = newUserHash();
      const startedAt = Date.now() - 30_000;
      const reply = await fetchJson(`${callbackUrl}?${signedQuery(hash)}`, {
        method: 'POST',
        headers: { 'content-length': '0' },
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.ok, true);
      assert.equal(reply.body.userHash, hash);
      assert.equal(reply.body.duplicate, false);
      assert.equal(reply.headers.get('cache-control'), 'no-store');
      assert.equal(reply.headers.get('content-type'), 'application/json');
      assert.equal(store.isSessionLive(hash, startedAt), false);
      assert.equal(store.isSessionLive(newUserHash(), startedAt), true, 'other users stay signed in');
    });

    test('GET works too, and a retry is reported as a duplicate', async () => {
      const { callbackUrl } = await running;
      const query = signedQuery(newUserHash());
      assert.equal((await fetchJson(`${callbackUrl}?${query}`)).body.duplicate, false);
      assert.equal((await fetchJson(`${callbackUrl}?${query}`)).body.duplicate, true);
    });

    test('a tampered callback: 400 bad_signature, nothing stored', async () => {
      const { callbackUrl } = await running;
      const hash = newUserHash();
      const reply = await fetchJson(`${callbackUrl}?${tamperedQuery(hash)}`, { method: 'POST' });
      assert.equal(reply.status, 400);
      assert.equal(reply.body.reason, 'bad_signature');
      assert.equal(reply.headers.get('cache-control'), 'no-store');
      assert.equal(store.cutoffOf(hash), undefined);
      assert.equal(store.cutoffOf(`X${hash.slice(1)}`), undefined);
    });

    test('a repeated parameter is not turned into an array: duplicate_parameter', async () => {
      const { callbackUrl } = await running;
      const query = signedQuery(newUserHash());
      const clear = new URLSearchParams(query).get('clear')!;
      const reply = await fetchJson(`${callbackUrl}?${query}&clear=${encodeURIComponent(clear)}`);
      assert.equal(reply.status, 400);
      assert.equal(reply.body.reason, 'duplicate_parameter');
    });

    test('a JSON body over the cap is refused with 413; a small one is ignored', async () => {
      const { callbackUrl } = await running;
      const headers = { 'content-type': 'application/json' };
      const big = await fetchJson(`${callbackUrl}?${signedQuery(newUserHash())}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ pad: 'x'.repeat(20_000) }),
      });
      assert.equal(big.status, 413);
      assert.equal(big.body.reason, 'too_large');
      const small = await fetchJson(`${callbackUrl}?${signedQuery(newUserHash())}`, {
        method: 'POST',
        headers,
        body: '{"clear": "ignored"}',
      });
      assert.equal(small.status, 200);
    });
  });
}
