import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadPrivateKey, loadPublicKey, TrustedKeys } from '../../src/index.js';
import { rsaKeyPair } from '../helpers/keys.js';
import { vectors } from '../helpers/vectors.js';

const spki = vectors.keys.public_spki_pem;
const reference = loadPublicKey(spki).export({ type: 'spki', format: 'der' });

function sameKey(input: Parameters<typeof loadPublicKey>[0]): void {
  assert.deepEqual(loadPublicKey(input).export({ type: 'spki', format: 'der' }), reference);
}

describe('loadPublicKey', () => {
  it('reads SPKI PEM, PKCS#1 PEM, DER, JWK and KeyObject', () => {
    const key = loadPublicKey(spki);
    sameKey(spki);
    sameKey(key.export({ type: 'pkcs1', format: 'pem' }).toString());
    sameKey(key.export({ type: 'spki', format: 'der' }));
    sameKey(key.export({ format: 'jwk' }));
    sameKey(key);
    sameKey(loadPrivateKey(vectors.keys.private_pkcs1_pem));
  });

  it('tolerates blank lines and stray whitespace inside the armour (the ping endpoint form)', () => {
    const lines = spki.trim().split('\n');
    const pingForm = [lines[0], '', ...lines.slice(1, -1), '', lines.at(-1)].join('\n');
    sameKey(pingForm);
    sameKey(`  ${lines.join('\r\n   ')}\t\n`);
    sameKey(lines.join(''));
  });

  it('tolerates a header naming the other public-key format than the body holds', () => {
    sameKey(spki.replace(/PUBLIC KEY/g, 'RSA PUBLIC KEY'));
    const pkcs1 = loadPublicKey(spki).export({ type: 'pkcs1', format: 'pem' }).toString();
    sameKey(pkcs1.replace(/RSA PUBLIC KEY/g, 'PUBLIC KEY'));
  });

  it('refuses non-RSA keys and RSA keys under 2048 bits with a coded error', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    assert.throws(() => loadPublicKey(ec), { name: 'LogoutCallbackConfigError', code: 'key_not_rsa' });
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.throws(() => loadPublicKey(ed), { code: 'key_not_rsa' });
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    assert.throws(() => loadPublicKey(weak), { code: 'key_too_small', message: /1024 bits/ });
    assert.throws(() => loadPublicKey('not a key'), { code: 'key_unreadable' });
    assert.throws(() => new TrustedKeys([]), { code: 'key_missing' });
  });

  it('parses a key once: the same PEM text or JWK object yields the same KeyObject', () => {
    const jwk = loadPublicKey(spki).export({ format: 'jwk' });
    assert.equal(new TrustedKeys(spki).keys[0], new TrustedKeys([spki]).keys[0]);
    assert.equal(new TrustedKeys(jwk).keys[0], new TrustedKeys(jwk).keys[0]);
    assert.notEqual(new TrustedKeys(jwk).keys[0], new TrustedKeys({ ...jwk }).keys[0]);
  });

  it('refuses a public key where a private key is needed', () => {
    assert.throws(() => loadPrivateKey(spki), { code: 'key_not_private' });
    assert.throws(() => loadPrivateKey(rsaKeyPair().publicKey), { code: 'key_not_private' });
  });
});
