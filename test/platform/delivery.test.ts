import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createDispatcher, type Dispatcher } from '../../src/platform/dispatcher.js';
import { rsaKeyPair } from '../helpers/keys.js';
import { type Behaviour, refusingUrl, startReceiver, type TestReceiver } from './receivers.js';

const { privateKey, publicKey } = rsaKeyPair();
const FAST = { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 400, maxAttempts: 20 };
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function receiver(behave?: (n: number) => Behaviour): Promise<TestReceiver> {
  const started = await startReceiver(publicKey, behave);
  cleanups.push(() => started.close());
  return started;
}

async function dispatcher(
  options: Partial<Parameters<typeof createDispatcher>[0]> = {},
): Promise<Dispatcher> {
  const created = await createDispatcher({ database: ':memory:', keys: privateKey, retry: FAST, ...options });
  cleanups.push(() => created.close());
  return created;
}

function signIn(platform: Dispatcher, user: string, urls: string[]): string[] {
  return urls.map((callbackUrl, i) => {
    const service = platform.registerService({ name: `service ${i}`, callbackUrl });
    platform.authorize(user, service.id);
    return service.id;
  });
}

describe('delivery through the SQLite outbox', () => {
  it('retries 500s, 429 with Retry-After, hangs and dropped sockets until every callback arrives', async () => {
    const failing = await receiver((n) => (n <= 3 ? { status: 500 } : 'ok'));
    const limited = await receiver((n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : 'ok',
    );
    const hanging = await receiver((n) => (n <= 2 ? 'hang' : 'ok'));
    const dropping = await receiver((n) => (n === 1 ? 'destroy' : { status: 200 }));
    const receivers = [failing, limited, hanging, dropping];
    const platform = await dispatcher();
    const serviceIds = signIn(
      platform,
      'alice',
      receivers.map((r) => r.url),
    );

    const started = Date.now();
    const result = await platform.clearAll('alice');
    assert.equal(result.deliveries.length, 4);
    assert.deepEqual(platform.signedInServices('alice'), [], 'Clear All ends the authorizations');
    await platform.drained(10_000);

    for (const r of [failing, limited, hanging]) assert.equal(r.accepted.length, 1);
    assert.equal(dropping.requests.length, 2);
    assert.equal(failing.requests.length, 4);
    assert.ok(Date.now() - started >= 1000, 'the 429 was retried only after its Retry-After');
    for (const r of receivers) {
      assert.equal(new Set(r.requests).size, 1, 'every retry resends the same signed bytes');
      assert.deepEqual(r.rejected, []);
    }
    const byService = new Map(result.deliveries.map((d) => [d.serviceId, d.id]));
    const states = await Promise.all(serviceIds.map((id) => platform.delivery(byService.get(id)!)));
    assert.deepEqual(
      states.map((s) => [s?.state, s?.attempts]),
      [
        ['delivered', 4],
        ['delivered', 2],
        ['delivered', 3],
        ['delivered', 2],
      ],
    );
    for (const r of [failing, limited, hanging]) {
      assert.equal(r.accepted[0]!.loggedOutAt.getTime(), result.loggedOutAt.getTime());
    }
  });

  it('stops at a permanent failure (404) and records it', async () => {
    const gone = await receiver(() => ({ status: 404 }));
    const platform = await dispatcher();
    signIn(platform, 'bob', [gone.url]);
    const { deliveries } = await platform.clearAll('bob');
    await platform.drained(5000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(gone.requests.length, 1);
    const status = await platform.delivery(deliveries[0]!.id);
    assert.equal(status?.state, 'failed');
    assert.equal(status?.reason, 'http_404');
    assert.equal(status?.lastStatus, 404);
  });

  it('gives up a callback it cannot deliver within the freshness window: dead, expired_undelivered', async () => {
    const down = await receiver(() => ({ status: 503 }));
    const platform = await dispatcher({ freshnessWindowSeconds: 1, retry: { ...FAST, maxAttempts: 1000 } });
    signIn(platform, 'carol', [down.url]);
    const { deliveries } = await platform.clearAll('carol');
    await platform.drained(5000);
    const status = await platform.delivery(deliveries[0]!.id);
    assert.equal(status?.state, 'dead');
    assert.equal(status?.reason, 'expired_undelivered');
    assert.ok(down.requests.length >= 1);
  });

  it('does not let a hanging or refusing service delay the others', async () => {
    const hangs = await receiver(() => 'hang');
    const refuses = await refusingUrl();
    const healthy = await Promise.all([1, 2, 3].map(() => receiver()));
    const platform = await dispatcher({
      retry: { ...FAST, timeoutMs: 5000 },
      perServiceConcurrency: 2,
      closeGraceMs: 100,
    });
    const users = Array.from({ length: 20 }, (_, i) => `user${i}`);
    const urls = [hangs.url, refuses, ...healthy.map((r) => r.url)];
    const services = urls.map((callbackUrl, i) => platform.registerService({ name: `s${i}`, callbackUrl }));
    for (const user of users) for (const service of services) platform.authorize(user, service.id);

    const started = Date.now();
    for (const user of users) await platform.clearAll(user);
    await Promise.all(healthy.map((r) => r.waitFor(users.length, 4000)));
    const elapsed = Date.now() - started;
    assert.ok(
      elapsed < 4000,
      `healthy services got every callback in ${elapsed} ms, before one hang timed out`,
    );
    assert.ok(hangs.requests.length <= 2, 'the hanging service holds at most its own concurrency');
    const hashes = new Set(healthy.flatMap((r) => r.accepted.map((a) => a.userHash)));
    assert.equal(hashes.size, users.length * healthy.length, 'one user_hash per user and service');
  });

  it('refuses bad input with typed errors and changes nothing', async () => {
    const platform = await dispatcher();
    assert.throws(() => platform.registerService({ name: 'x', callbackUrl: 'ftp://nope' }), {
      name: 'PlatformInputError',
      code: 'invalid_field',
    });
    assert.throws(() => platform.registerService({ name: '', callbackUrl: 'http://127.0.0.1/' }), {
      code: 'invalid_field',
    });
    const service = platform.registerService({ name: 'Shop', callbackUrl: 'http://127.0.0.1:9/cb' });
    await assert.rejects(platform.clear('dave', service.id), { code: 'not_signed_in' });
    await assert.rejects(platform.clear('dave', 'no-such-service'), { code: 'unknown_service' });
    await assert.rejects(platform.clear('bad user!', service.id), { code: 'invalid_field' });
    assert.deepEqual(await platform.deliveries(), []);
    assert.deepEqual((await platform.clearAll('dave')).deliveries, []);
  });
});
