import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { exportPublicPem } from '../../src/protocol/keys.js';
import { runCli, startCliServer } from '../helpers/cli.js';
import { rsaKeyPair } from '../helpers/keys.js';
import { eventually } from '../helpers/wait.js';
import { startReceiver } from '../platform/receivers.js';

const { privateKey, publicKey } = rsaKeyPair();
const dir = mkdtempSync(join(tmpdir(), 'lc-send-'));
const privatePem = join(dir, 'private.pem');
const publicPem = join(dir, 'public.pem');
const otherPem = join(dir, 'other-private.pem');
writeFileSync(privatePem, privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(publicPem, exportPublicPem(publicKey));
writeFileSync(
  otherPem,
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
);

const stops: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const stop of stops.reverse()) await stop();
});

function stdoutLines(child: { stdout: NodeJS.ReadableStream | null }): string[] {
  const lines: string[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  return lines;
}

describe('logout-callback send and listen', () => {
  it('send delivers to listen, which verifies, prints and answers 200; a wrong key gets 400 and exit 1', async () => {
    const listen = await startCliServer(['listen', '--key', publicPem, '--port', '0']);
    stops.push(() => listen.stop());
    const printed = stdoutLines(listen.child);
    const url = `${listen.url}/callback?tenant=1`;

    const sent = await runCli(['send', '--key', privatePem, '--user-hash', 'H43', url]);
    assert.equal(sent.code, 0, sent.stderr);
    const answer = JSON.parse(sent.stdout);
    assert.equal(answer.delivered, true);
    assert.equal(answer.status, 200);
    assert.equal(answer.attempts, 1);
    assert.equal(JSON.parse(answer.body).userHash, 'H43');

    const forged = await runCli(['send', '--key', otherPem, '--user-hash', 'H43', '--param', 'deorbit', url]);
    assert.equal(forged.code, 1);
    assert.equal(JSON.parse(forged.stdout).status, 400);
    assert.equal(JSON.parse(forged.stdout).attempts, 1, 'a 400 is final: no retries');

    const get = await fetch(`${listen.url}/callback`, { signal: AbortSignal.timeout(5000) });
    assert.equal(get.status, 400);
    assert.equal(get.headers.get('cache-control'), 'no-store');
    await get.text();

    // listen prints each line as it answers; the pipe may deliver the last one a moment later.
    await eventually(() => printed.length >= 3, 5000, 20);
    const lines = printed.map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.map((l) => [l.method, l.path, l.status, l.ok, l.reason]),
      [
        ['POST', '/callback', 200, true, undefined],
        ['POST', '/callback', 400, false, 'bad_signature'],
        ['GET', '/callback', 400, false, 'missing_parameter'],
      ],
    );
    assert.equal(lines[0].userHash, 'H43');
  });

  it('send retries 503 and 429 with Retry-After by the shared policy, resending the same bytes', async () => {
    const receiver = await startReceiver(publicKey, (n) =>
      n === 1 ? { status: 503 } : n === 2 ? { status: 429, headers: { 'retry-after': '1' } } : 'ok',
    );
    stops.push(() => receiver.close());
    const sent = await runCli([
      'send',
      '--key',
      privatePem,
      '--user-hash',
      'abc',
      '--retry-base',
      '10',
      receiver.url,
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(JSON.parse(sent.stdout).attempts, 3);
    assert.equal(new Set(receiver.requests).size, 1);
    assert.match(sent.stderr, /attempt 1: HTTP 503 \(retry\)/);

    const down = await startReceiver(publicKey, () => ({ status: 500 }));
    stops.push(() => down.close());
    const gaveUp = await runCli([
      'send',
      '--key',
      privatePem,
      '--user-hash',
      'abc',
      '--retries',
      '2',
      '--retry-base',
      '10',
      '--method',
      'GET',
      down.url,
    ]);
    assert.equal(gaveUp.code, 1);
    assert.equal(down.requests.length, 3);
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [
      ['send', '--key', privatePem, '--user-hash', 'a', 'not a url'],
      ['send', '--key', privatePem, '--user-hash', 'a', '--method', 'PUT', 'http://127.0.0.1:9/'],
      ['send', '--key', privatePem, 'http://127.0.0.1:9/'],
      ['send', '--key', join(dir, 'missing.pem'), '--user-hash', 'a', 'http://127.0.0.1:9/'],
      ['listen', '--port', '0'],
    ]) {
      const out = await runCli(args);
      assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
    }
  });
});
