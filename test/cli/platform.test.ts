import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { exportPublicPem } from '../../src/protocol/keys.js';
import { runCli, startCliServer } from '../helpers/cli.js';
import { rsaKeyPair } from '../helpers/keys.js';
import { api, signedInService, waitForDelivered } from '../platform/api-client.js';
import { startReceiver, type TestReceiver } from '../platform/receivers.js';
import { sessionLive, startServe } from '../receiver/serve-process.js';

const { privateKey, publicKey } = rsaKeyPair();
const dir = mkdtempSync(join(tmpdir(), 'lc-platform-cli-'));
const privatePem = join(dir, 'private.pem');
writeFileSync(privatePem, privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(join(dir, 'public.pem'), exportPublicPem(publicKey));
const FAST = ['--retry-base', '50', '--retry-max', '200', '--timeout', '1000'];

const stops: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const stop of stops.reverse()) await stop();
});

describe('logout-callback platform', () => {
  it('prints its address first, and exits 2 on a usage error', async () => {
    const missing = await runCli(['platform', '--key', join(dir, 'nope.pem'), '--port', '0']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read key file/);
    const help = await runCli(['platform', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--db <path>/);
  });

  it('loses no callback to kill -9: a restart on the same database delivers them all', async () => {
    let healthy = false;
    const receivers: TestReceiver[] = [];
    for (let i = 0; i < 3; i++)
      receivers.push(await startReceiver(publicKey, () => (healthy ? 'ok' : { status: 503 })));
    stops.push(...receivers.map((r) => () => r.close()));
    const db = join(dir, 'kill9.sqlite');
    const args = ['platform', '--key', privatePem, '--port', '0', '--db', db, ...FAST];

    const first = await startCliServer(args);
    stops.push(() => first.stop('SIGKILL'));
    const users = ['u1', 'u2', 'u3', 'u4', 'u5'];
    const services = [];
    for (const [i, r] of receivers.entries()) {
      services.push(
        (await api(first.url, 'POST', '/v1/services', { name: `s${i}`, callback_url: r.url })).body.id,
      );
    }
    for (const user of users) {
      for (const service_id of services) {
        const auth = await api(first.url, 'POST', '/v1/auths', { service_id, username: user });
        await api(first.url, 'POST', `/v1/auths/${auth.body.auth_request}/approve`);
      }
      assert.equal((await api(first.url, 'POST', `/v1/users/${user}/clear-all`)).status, 202);
    }
    const deadline = Date.now() + 10_000;
    while (receivers.some((r) => r.requests.length === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await first.stop('SIGKILL'), null, 'killed, not exited');

    healthy = true;
    const second = await startCliServer(args);
    stops.push(() => second.stop());
    for (const user of users) await waitForDelivered(second.url, user, services.length);
    const hashes = new Set(receivers.flatMap((r) => r.accepted.map((a) => a.userHash)));
    assert.equal(hashes.size, users.length * services.length);
    for (const r of receivers) assert.deepEqual(r.rejected, []);
    assert.equal(await second.stop('SIGTERM'), 0, 'graceful shutdown on SIGTERM');
  });

  it('Clear All for a user of N services: N callbacks, N distinct hashes, each accepted by `serve`', async () => {
    const receiver = await startServe(
      ['--key', join(dir, 'public.pem'), '--store', `sqlite:${join(dir, 'cutoffs.sqlite')}`],
      dir,
    );
    stops.push(() => receiver.stop());
    const platform = await startCliServer([
      'platform',
      '--key',
      privatePem,
      '--port',
      '0',
      '--db',
      ':memory:',
      ...FAST,
    ]);
    stops.push(() => platform.stop());
    const signedIn = [];
    for (const name of ['Mail', 'Shop', 'Bank', 'Wiki']) {
      signedIn.push(
        await signedInService(platform.url, 'zoe', { name, callback_url: `${receiver.url}/callback` }),
      );
    }
    const startedAt = new Date(Date.now() - 5000);
    for (const { userHash } of signedIn)
      assert.equal(await sessionLive(receiver.url, userHash, startedAt), true);
    assert.equal(new Set(signedIn.map((s) => s.userHash)).size, signedIn.length);

    const cleared = await api(platform.url, 'POST', '/v1/users/zoe/clear-all');
    assert.equal(cleared.body.deliveries.length, signedIn.length);
    await waitForDelivered(platform.url, 'zoe', signedIn.length);
    for (const { userHash } of signedIn)
      assert.equal(await sessionLive(receiver.url, userHash, startedAt), false);
  });
});
