import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { newUserHash, signedQuery } from '../receiver/fixtures.js';
import { postCallback, sessionLive, startServe, workDir } from '../receiver/serve-process.js';

test('kill -9 of serve (SQLite) during a stream of callbacks: every 200 survives the restart', async () => {
  const { dir, keyFile } = workDir();
  const args = ['--key', keyFile, '--store', `sqlite:${join(dir, 'cutoffs.db')}`];
  const serve = await startServe(args, dir);
  const accepted: Array<{ hash: string; loggedOutAt: Date }> = [];
  let failed = 0;
  const deadline = Date.now() + 15_000;

  async function sender(): Promise<void> {
    for (let i = 0; i < 500 && Date.now() < deadline; i += 1) {
      const hash = newUserHash();
      const loggedOutAt = new Date(Date.now() - 1000);
      const status = await postCallback(serve.url, signedQuery(hash, loggedOutAt));
      if (status === 200) accepted.push({ hash, loggedOutAt });
      else if (++failed > 3) return; // the process is gone
    }
  }

  const load = Promise.all([sender(), sender(), sender()]);
  while (accepted.length < 50 && Date.now() < deadline) await sleep(20);
  await serve.stop('SIGKILL');
  await load;
  assert.ok(accepted.length >= 50, `callbacks were accepted before the kill (${accepted.length})`);

  const restarted = await startServe(args, dir);
  try {
    const lost: string[] = [];
    for (const { hash, loggedOutAt } of accepted) {
      if (await sessionLive(restarted.url, hash, new Date(loggedOutAt.getTime() - 60_000))) lost.push(hash);
    }
    assert.deepEqual(lost, [], `${lost.length} of ${accepted.length} acknowledged logouts were lost`);
  } finally {
    await restarted.stop();
  }
});
