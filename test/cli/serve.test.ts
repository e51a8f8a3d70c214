import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/redis.js';
import { fetchJson, newUserHash, signedQuery, tamperedQuery } from '../receiver/fixtures.js';
import {
  postCallback,
  type ServeProcess,
  sessionLive,
  startServe,
  workDir,
} from '../receiver/serve-process.js';

describe('logout-callback serve (SQLite store, the default)', () => {
  const { dir, keyFile } = workDir();
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe(['--key', keyFile], dir);
  });
  after(() => serve.stop('SIGKILL'));

  test('first stdout line is the address; the default store is a SQLite file in ./data', async () => {
    assert.match(serve.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(serve.url, 'http://127.0.0.1:0');
    assert.ok(existsSync(join(dir, 'data', 'cutoffs.db')));
  });

  test('a callback ends the session that began before it; a later session stays', async () => {
    const hash = newUserHash();
    const loggedOutAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 2000);
    assert.equal(await sessionLive(serve.url, hash, new Date(loggedOutAt.getTime() - 60_000)), true);
    const reply = await fetchJson(`${serve.url}/callback?${signedQuery(hash, loggedOutAt)}`, {
      method: 'POST',
    });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body, {
      ok: true,
      userHash: hash,
      cutoff: loggedOutAt.toISOString(),
      duplicate: false,
    });
    assert.equal(reply.headers.get('cache-control'), 'no-store');
    const check = await fetchJson(
      `${serve.url}/v1/sessions/live?user_hash=${hash}&started_at=${new Date(loggedOutAt.getTime() - 60_000).toISOString()}`,
    );
    assert.deepEqual(check.body, { live: false, cutoff: loggedOutAt.toISOString() });
    assert.equal(check.headers.get('cache-control'), 'no-store');
    assert.equal(await sessionLive(serve.url, hash, new Date(loggedOutAt.getTime() + 1000)), true);
    const unknown = await fetchJson(
      `${serve.url}/v1/sessions/live?user_hash=${newUserHash()}&started_at=2020-01-01T00:00:00Z`,
    );
    assert.deepEqual(unknown.body, { live: true, cutoff: null });
  });

  test('/healthz answers 200 while the store is healthy', async () => {
    const reply = await fetchJson(`${serve.url}/healthz`);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.ok, true);
  });

  test('bad input on every endpoint: clear errors, and the process keeps serving', async () => {
    const hash = newUserHash();
    const badCallbacks: Array<[string, number, string]> = [
      ['', 400, 'missing_parameter'],
      [tamperedQuery(hash), 400, 'bad_signature'],
      [`clear=x&signature=${'A'.repeat(17_000)}`, 400, 'too_large'],
      ['clear=%7B&signature=%%%', 400, 'malformed_signature'],
    ];
    for (const [query, status, reason] of badCallbacks) {
      const reply = await fetchJson(`${serve.url}/callback?${query}`, { method: 'POST' });
      assert.equal(reply.status, status, reason);
      assert.equal(reply.body.reason, reason);
      assert.equal(typeof reply.body.message, 'string');
    }
    const bigBody = await fetchJson(`${serve.url}/callback?${signedQuery(hash)}`, {
      method: 'POST',
      body: 'x'.repeat(100_000),
    });
    assert.deepEqual([bigBody.status, bigBody.body.reason], [413, 'too_large']);

    const live = `${serve.url}/v1/sessions/live`;
    const badChecks: Array<[string, string, RegExp]> = [
      ['', 'missing_parameter', /user_hash/],
      ['user_hash=a', 'missing_parameter', /started_at/],
      ['user_hash=a&user_hash=b&started_at=2020-01-01T00:00:00Z', 'duplicate_parameter', /user_hash/],
      ['user_hash=a&started_at=yesterday', 'invalid_parameter', /ISO 8601/],
      ['user_hash=&started_at=2020-01-01T00:00:00Z', 'invalid_parameter', /user_hash/],
      [`user_hash=${'a'.repeat(600)}&started_at=2020-01-01T00:00:00Z`, 'invalid_parameter', /user_hash/],
    ];
    for (const [query, reason, message] of badChecks) {
      const reply = await fetchJson(`${live}?${query}`);
      assert.equal(reply.status, 400, query);
      assert.equal(reply.body.reason, reason, query);
      assert.match(String(reply.body.message), message);
    }
    assert.equal((await fetchJson(live, { method: 'POST' })).status, 405);
    assert.deepEqual((await fetchJson(`${serve.url}/nowhere`)).body.reason, 'not_found');

    const garbage = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(serve.url).port), '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk;
      });
      socket.on('close', () => resolve(answer));
      socket.on('error', () => resolve(answer));
      socket.end('NOT HTTP AT ALL\r\n\r\n');
    });
    assert.match(garbage, /^HTTP\/1\.1 400/);

    assert.equal(await postCallback(serve.url, signedQuery(newUserHash())), 200, 'still serving');
    assert.doesNotMatch(serve.stderr(), /\n\s+at /, 'no stack traces in the logs');
  });
});

describe('logout-callback serve: shutdown and usage', () => {
  test('SIGTERM lets an in-flight request finish, closes the store and exits 0', async () => {
    const { dir, keyFile } = workDir();
    const store = `sqlite:${join(dir, 'cutoffs.db')}`;
    const serve = await startServe(['--key', keyFile, '--store', store], dir);
    const hash = newUserHash();
    const loggedOutAt = new Date(Date.now() - 3000);
    const port = Number(new URL(serve.url).port);
    const answer = new Promise<number>((resolve, reject) => {
      const slow = request(
        { host: '127.0.0.1', port, method: 'POST', path: `/callback?${signedQuery(hash, loggedOutAt)}` },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      slow.on('error', reject);
      slow.write('partial body, ');
      void sleep(300).then(async () => {
        serve.child.kill('SIGTERM');
        await sleep(300);
        slow.end('the rest');
      });
    });
    assert.equal(await answer, 200, 'the in-flight request was answered');
    assert.equal(await serve.stop(), 0);

    const again = await startServe(['--key', keyFile, '--store', store], dir);
    try {
      assert.equal(await sessionLive(again.url, hash, new Date(loggedOutAt.getTime() - 1000)), false);
    } finally {
      await again.stop();
    }
  });

  test('usage errors exit 2 with a message', async () => {
    const { dir, keyFile } = workDir();
    const busy = await startServe(['--key', keyFile, '--store', `sqlite:${join(dir, 'a.db')}`], dir);
    try {
      const port = new URL(busy.url).port;
      const cases: Array<[string[], RegExp]> = [
        [[], /--key/],
        [['--key', join(dir, 'missing.pem')], /Cannot read key file/],
        [['--key', keyFile, '--port', '70000'], /whole number/],
        [['--key', keyFile, '--store', 'mysql://x'], /unknown cutoff store/],
        [['--key', keyFile, '--path', 'callback'], /must start with "\/"/],
        [
          ['--key', keyFile, '--store', `sqlite:${join(dir, 'b.db')}`, '--port', port],
          /Cannot listen.*EADDRINUSE/,
        ],
      ];
      for (const [args, message] of cases) {
        const result = await runCli(['serve', ...args]);
        assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, message);
      }
    } finally {
      await busy.stop();
    }
  });

  test('--port with a free port is honoured', async () => {
    const { dir, keyFile } = workDir();
    const port = await freePort();
    const serve = await startServe(['--key', keyFile, '--port', String(port)], dir);
    try {
      assert.equal(serve.url, `http://127.0.0.1:${port}`);
    } finally {
      await serve.stop();
    }
  });
});
