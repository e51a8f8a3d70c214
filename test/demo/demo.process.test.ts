import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type DemoProcess, exitWithin, startDemoProcess, tempDir } from './demo-process.js';

async function getText(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: await response.text() };
}

async function publishedKeys(platformUrl: string): Promise<string[]> {
  const { text } = await getText(`${platformUrl}/v1/keys`);
  return (JSON.parse(text) as { keys: Array<{ pem: string }> }).keys.map((key) => key.pem);
}

describe('logout-callback demo (process)', { timeout: 45_000 }, () => {
  const dataDir = tempDir('lc-demo-process-');
  const running: DemoProcess[] = [];
  after(async () => {
    await Promise.all(running.map((demo) => demo.stop('SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('prints its URLs, serves every page, and exits 0 on SIGTERM', async () => {
    const demo = await startDemoProcess(dataDir);
    running.push(demo);
    const [firstLine] = demo.stdout().split('\n');
    assert.equal(firstLine, `listening on ${demo.url}`);
    for (const url of [demo.url, demo.serviceA, demo.serviceB]) {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    }

    const authenticator = await getText(demo.authenticatorUrl);
    assert.equal(authenticator.status, 200);
    assert.match(authenticator.text, /Mobile Authenticator/);
    for (const service of [demo.serviceA, demo.serviceB]) {
      const home = await getText(service);
      assert.equal(home.status, 200);
      assert.match(home.text, /Sign in with LaunchKey/);
    }
    const { text } = await getText(`${demo.url}/v1/services`);
    const callbacks = (JSON.parse(text) as { services: Array<{ callback_url: string }> }).services.map(
      (service) => service.callback_url,
    );
    assert.deepEqual(
      callbacks.sort(),
      [`${demo.serviceA}/logout-callback`, `${demo.serviceB}/logout-callback`].sort(),
    );

    assert.equal(await exitWithin(demo, 'SIGTERM', 10_000), 0);
    assert.match(demo.stdout(), /stopping the demo/);
    assert.doesNotMatch(demo.stderr(), /Error/);
  });

  test('keeps its keys and secrets in the data directory and reuses them; exits 0 on SIGINT', async () => {
    const secretFile = join(dataDir, 'service-b', 'cookie-secret');
    assert.ok(existsSync(secretFile), 'the first run made the cookie secret');
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(dataDir, 'platform', 'keys', 'private.pem')).mode & 0o777, 0o600);
    const secret = readFileSync(secretFile, 'utf8');
    const publicKey = readFileSync(join(dataDir, 'platform', 'keys', 'public.pem'), 'utf8');

    const demo = await startDemoProcess(dataDir);
    running.push(demo);
    assert.deepEqual(await publishedKeys(demo.url), [publicKey]);
    assert.equal(readFileSync(secretFile, 'utf8'), secret);
    assert.ok(!demo.stdout().includes(secret.trim()), 'the secret is never printed');
    assert.equal(await exitWithin(demo, 'SIGINT', 10_000), 0);
  });
});
