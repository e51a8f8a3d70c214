import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadPublicKey } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { vectors } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-cli-'));
const publicPem = join(dir, 'vectors-public.pem');
const privatePem = join(dir, 'vectors-private.pem');
writeFileSync(publicPem, vectors.keys.public_spki_pem);
writeFileSync(privatePem, vectors.keys.private_pkcs1_pem);

describe('logout-callback verify: vectors.json', () => {
  for (const vector of vectors.valid) {
    it(`exit 0: ${vector.name}`, async () => {
      const out = await runCli(['verify', '--key', publicPem, '--now', vector.now, vector.query]);
      assert.equal(out.code, 0, out.stderr);
      assert.deepEqual(JSON.parse(out.stdout), {
        ok: true,
        userHash: vector.expect.userHash,
        loggedOutAt: vector.expect.loggedOutAt,
        parameter: vector.query.startsWith('deorbit') ? 'deorbit' : 'clear',
      });
    });
  }
  for (const vector of vectors.invalid) {
    it(`exit 1 (${vector.reason}): ${vector.name}`, async () => {
      const out = await runCli(['verify', '--key', publicPem, '--now', vector.now, '-'], vector.query);
      assert.equal(out.code, 1, out.stderr);
      const line = JSON.parse(out.stdout);
      assert.equal(line.ok, false);
      assert.equal(line.reason, vector.reason);
      assert.equal(typeof line.message, 'string');
    });
  }
});

describe('logout-callback keygen, sign and verify', () => {
  it('round-trips through files, with a full URL and the legacy forms', async () => {
    const keys = join(dir, 'generated');
    const gen = await runCli(['keygen', '--out', keys]);
    assert.equal(gen.code, 0, gen.stderr);
    assert.equal(statSync(join(keys, 'private.pem')).mode & 0o777, 0o600);
    assert.match(readFileSync(join(keys, 'private.pem'), 'utf8'), /BEGIN PRIVATE KEY/);
    assert.match(readFileSync(join(keys, 'public.pem'), 'utf8'), /BEGIN PUBLIC KEY/);

    const signed = await runCli([
      'sign',
      '--key',
      join(keys, 'private.pem'),
      '--user-hash',
      'abc',
      '--param',
      'deorbit',
      '--legacy-time',
      '--url',
      'https://svc.example/cb?x=1',
    ]);
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /^https:\/\/svc\.example\/cb\?x=1&deorbit=/);
    const verified = await runCli(['verify', '--key', join(keys, 'public.pem'), signed.stdout.trim()]);
    assert.equal(verified.code, 0, verified.stdout);
    assert.equal(JSON.parse(verified.stdout).parameter, 'deorbit');
  });

  it('signs the vector byte for byte', async () => {
    const vector = vectors.valid[0]!;
    const out = await runCli([
      'sign',
      '--key',
      privatePem,
      '--user-hash',
      vector.expect.userHash,
      '--time',
      vector.expect.loggedOutAt,
    ]);
    assert.equal(out.stdout.trim(), vector.query);
  });

  it('reads JWK key files', async () => {
    const jwkPath = join(dir, 'public.jwk.json');
    writeFileSync(
      jwkPath,
      JSON.stringify(loadPublicKey(vectors.keys.public_spki_pem).export({ format: 'jwk' })),
    );
    const vector = vectors.valid[0]!;
    const out = await runCli(['verify', '--key', jwkPath, '--now', vector.now, vector.query]);
    assert.equal(out.code, 0, out.stderr);
  });
});

describe('usage errors exit 2 with a message on stderr', () => {
  const weakPath = join(dir, 'weak.pem');
  writeFileSync(
    weakPath,
    generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }),
  );
  const ecPath = join(dir, 'ec.pem');
  writeFileSync(
    ecPath,
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }),
  );
  const cases: Array<[string, string[], RegExp]> = [
    ['unreadable key file', ['verify', '--key', join(dir, 'missing.pem'), 'q'], /Cannot read key file/],
    ['weak key', ['verify', '--key', weakPath, 'q'], /1024 bits/],
    ['non-RSA key', ['verify', '--key', ecPath, 'q'], /RSA/],
    ['bad flag', ['verify', '--key', publicPem, '--bogus', 'q'], /unknown option/],
    ['bad time', ['verify', '--key', publicPem, '--now', 'yesterday', 'q'], /ISO 8601/],
    ['public key to sign with', ['sign', '--key', publicPem, '--user-hash', 'u'], /private key/],
    ['keygen into existing files', ['keygen', '--out', dir, '--bits', '1024'], /expected one of/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const out = await runCli(args);
      assert.equal(out.code, 2);
      assert.match(out.stderr, message);
      assert.equal(out.stdout, '');
    });
  }
  it('--help on every command', async () => {
    for (const command of ['keygen', 'sign', 'verify']) {
      const out = await runCli([command, '--help']);
      assert.equal(out.code, 0);
      assert.match(out.stdout, new RegExp(`Usage: logout-callback ${command}`));
    }
  });
});
