import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RedisServer, startRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';
import { newUserHash, signedQuery } from '../receiver/fixtures.js';
import {
  postCallback,
  type ServeProcess,
  sessionLive,
  startServe,
  workDir,
} from '../receiver/serve-process.js';

async function statusOf(url: string): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  return response.status;
}

describe('two serve instances sharing one redis-server', () => {
  let redis: RedisServer;
  let a: ServeProcess;
  let b: ServeProcess;
  before(async () => {
    redis = await startRedis();
    const { dir, keyFile } = workDir();
    [a, b] = await Promise.all([
      startServe(['--key', keyFile, '--store', redis.url], dir),
      startServe(['--key', keyFile, '--store', redis.url], dir),
    ]);
  });
  after(async () => {
    await Promise.all([a?.stop('SIGKILL'), b?.stop('SIGKILL')]);
    await redis?.stop();
  });

  test('a callback to A ends the session as seen by B', async () => {
    const hash = newUserHash();
    const loggedOutAt = new Date(Date.now() - 2000);
    const before = new Date(loggedOutAt.getTime() - 60_000);
    assert.equal(await sessionLive(b.url, hash, before), true);
    assert.equal(await postCallback(a.url, signedQuery(hash, loggedOutAt)), 200);
    assert.ok(
      await eventually(async () => !(await sessionLive(b.url, hash, before)), 10_000, 50),
      'B saw the logout',
    );
    assert.equal(await sessionLive(b.url, hash, new Date(loggedOutAt.getTime() + 2000)), true);
  });

  test('redis killed under load: 503s, no 200 without a stored cutoff, recovery once it is back', async () => {
    const answers: Array<{
      status: number;
      sentAt: number;
      answeredAt: number;
      hash: string;
      loggedOutAt: Date;
    }> = [];
    let killedAt = Number.POSITIVE_INFINITY;
    let restartingAt = Number.POSITIVE_INFINITY;
    let restartedAt = Number.POSITIVE_INFINITY;
    const deadline = Date.now() + 15_000;
    let stop = false;

    async function sender(): Promise<void> {
      for (let i = 0; i < 400 && !stop && Date.now() < deadline; i += 1) {
        const hash = newUserHash();
        const loggedOutAt = new Date(Date.now() - 1000);
        const sentAt = Date.now();
        const status = await postCallback(a.url, signedQuery(hash, loggedOutAt));
        answers.push({ status, sentAt, answeredAt: Date.now(), hash, loggedOutAt });
        await sleep(5);
      }
    }

    const load = Promise.all([sender(), sender()]);
    await sleep(400);
    await redis.kill();
    killedAt = Date.now();
    const unhealthy = await eventually(async () => (await statusOf(`${a.url}/healthz`)) === 503, 5_000, 50);
    await sleep(500);
    restartingAt = Date.now();
    await redis.restart();
    restartedAt = Date.now();
    const recovered = await eventually(
      async () => answers.some((answer) => answer.sentAt > restartedAt && answer.status === 200),
      10_000,
      50,
    );
    stop = true;
    await load;

    // Answered while no redis-server ran at all: nothing can have been stored.
    const during = answers.filter((answer) => answer.sentAt > killedAt && answer.answeredAt < restartingAt);
    assert.ok(
      answers.some((answer) => answer.sentAt < killedAt && answer.status === 200),
      'accepted before',
    );
    assert.ok(during.length > 0, 'callbacks were sent during the outage');
    assert.ok(
      during.every((answer) => answer.status === 503),
      `only 503s while redis was down: ${during.map((answer) => answer.status).join(',')}`,
    );
    assert.ok(unhealthy, '/healthz said 503 while redis was down');
    assert.ok(recovered, 'accepted again after redis came back');

    assert.equal(await statusOf(`${a.url}/healthz`), 200);
    // Every 200 since the kill is in the restarted redis: B, which never took a callback, sees each one.
    const afterRestart = answers.filter((answer) => answer.sentAt > killedAt && answer.status === 200);
    assert.ok(afterRestart.length > 0);
    for (const answer of afterRestart) {
      const before = new Date(answer.loggedOutAt.getTime() - 60_000);
      assert.ok(
        await eventually(async () => !(await sessionLive(b.url, answer.hash, before)), 5_000, 50),
        answer.hash,
      );
    }
  });
});

describe('serve --stale-policy while cut off from redis', () => {
  let redis: RedisServer;
  let open: ServeProcess;
  let closed: ServeProcess;
  before(async () => {
    redis = await startRedis();
    const { dir, keyFile } = workDir();
    const common = ['--key', keyFile, '--store', redis.url, '--stale-after', '0.5'];
    [open, closed] = await Promise.all([
      startServe([...common, '--stale-policy', 'open'], dir),
      startServe([...common, '--stale-policy', 'closed'], dir),
    ]);
  });
  after(async () => {
    await Promise.all([open?.stop('SIGKILL'), closed?.stop('SIGKILL')]);
    await redis?.stop();
  });

  test('open keeps sessions live, closed ends them, and /healthz reports the stale view', async () => {
    const hash = newUserHash();
    const startedAt = new Date(Date.now() - 60_000);
    assert.equal(await sessionLive(open.url, hash, startedAt), true);
    assert.equal(await sessionLive(closed.url, hash, startedAt), true);
    await redis.kill();
    assert.ok(
      await eventually(async () => !(await sessionLive(closed.url, hash, startedAt)), 10_000, 50),
      'closed: sessions count as ended once the view is stale',
    );
    assert.equal(await sessionLive(open.url, hash, startedAt), true, 'open: sessions stay live');
    const health = await fetch(`${open.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    const body = (await health.json()) as { stale: boolean; stalePolicy: string };
    assert.equal(body.stale, true);
    assert.equal(body.stalePolicy, 'open');
  });
});
