import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDispatcher, type Dispatcher } from '../../src/platform/dispatcher.js';
import { rsaKeyPair } from '../helpers/keys.js';
import { type RedisServer, startRedis } from '../helpers/redis.js';
import { startReceiver, type TestReceiver } from './receivers.js';

const { privateKey, publicKey } = rsaKeyPair();
const FAST = { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 500, maxAttempts: 50 };

describe('delivery through the BullMQ outbox on a real redis-server', () => {
  let redis: RedisServer;
  const receivers: TestReceiver[] = [];
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    for (const r of receivers) await r.close();
    await redis.stop();
  });

  async function platformOn(database: string): Promise<Dispatcher> {
    return createDispatcher({
      database,
      keys: privateKey,
      redisUrl: redis.url,
      retry: FAST,
      closeGraceMs: 100,
      userHashSecret: Buffer.alloc(32, 1),
    });
  }

  it('delivers Clear All, retries, and survives a worker restart without losing a callback', async () => {
    let healthy = false;
    for (let i = 0; i < 3; i++) {
      receivers.push(await startReceiver(publicKey, () => (healthy ? 'ok' : { status: 503 })));
    }
    const first = await platformOn(':memory:');
    const services = receivers.map((r, i) => first.registerService({ name: `s${i}`, callbackUrl: r.url }));
    const users = ['ann', 'ben', 'cat', 'dan'];
    for (const user of users) for (const service of services) first.authorize(user, service.id);
    const ids = [];
    for (const user of users) ids.push(...(await first.clearAll(user)).deliveries.map((d) => d.id));
    assert.equal(ids.length, 12);

    // Attempts are failing: wait until every delivery has been tried, then stop this worker.
    const deadline = Date.now() + 10_000;
    while (receivers.reduce((n, r) => n + r.requests.length, 0) < 12 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const before = await first.deliveries({ userId: 'ann' });
    assert.equal(before.length, 3);
    assert.ok(before.every((d) => d.state === 'pending' || d.state === 'retrying'));
    await first.close();

    healthy = true;
    const second = await platformOn(':memory:');
    try {
      await Promise.all(receivers.map((r) => r.waitFor(users.length, 10_000)));
      await second.drained(10_000);
      const states = await Promise.all(ids.map((id) => second.delivery(id)));
      assert.deepEqual(
        states.map((s) => s?.state),
        ids.map(() => 'delivered'),
      );
      for (const r of receivers) {
        assert.deepEqual(r.rejected, []);
        assert.equal(new Set(r.accepted.map((a) => a.userHash)).size, users.length);
      }
      const listed = await second.deliveries({ userId: 'ben' });
      assert.deepEqual(
        listed.map((d) => d.state),
        ['delivered', 'delivered', 'delivered'],
      );
    } finally {
      await second.close();
    }
  });

  it('stops at a permanent failure', async () => {
    const gone = await startReceiver(publicKey, () => ({ status: 410 }));
    receivers.push(gone);
    const platform = await platformOn(':memory:');
    try {
      const service = platform.registerService({ name: 'gone', callbackUrl: gone.url });
      platform.authorize('eve', service.id);
      const { deliveries } = await platform.clear('eve', service.id);
      await platform.drained(10_000);
      const status = await platform.delivery(deliveries[0]!.id);
      assert.equal(status?.state, 'failed');
      assert.equal(status?.reason, 'http_410');
      assert.equal(gone.requests.length, 1);
    } finally {
      await platform.close();
    }
  });
});
