import assert from 'node:assert/strict';
import { constants, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  createLogoutVerifier,
  REJECTION_REASONS,
  signLogoutCallback,
  type VerifyResult,
  verifyLogoutCallback,
} from '../../src/index.js';
import { rsaKeyPair } from '../helpers/keys.js';
import { vectors } from '../helpers/vectors.js';

const { privateKey, publicKey } = rsaKeyPair();
const at = new Date('2026-01-02T03:04:05Z');
const signed = signLogoutCallback({ userHash: 'user-1', loggedOutAt: at }, privateKey);

function verifyAt(query: string, nowMs: number, extra: object = {}): VerifyResult {
  return verifyLogoutCallback(query, { keys: publicKey, now: nowMs, ...extra });
}

function reasonOf(result: VerifyResult): string {
  return result.ok ? 'ok' : result.reason;
}

describe('verifyLogoutCallback inputs', () => {
  const now = at.getTime() + 1000;
  it('takes a raw query, a query with ?, a URL string, a path, a URL object and URLSearchParams', () => {
    const inputs = [
      signed.query,
      `?${signed.query}`,
      `https://svc.example/callback?${signed.query}#frag`,
      `/callback?${signed.query}`,
      new URL(`https://svc.example/callback?${signed.query}`),
      new URLSearchParams(signed.query),
    ];
    for (const input of inputs) {
      const result = verifyLogoutCallback(input, { keys: publicKey, now });
      assert.equal(reasonOf(result), 'ok', String(input));
    }
  });

  it('ignores unrelated parameters', () => {
    assert.equal(reasonOf(verifyAt(`foo=1&${signed.query}&bar=2`, now)), 'ok');
  });
});

describe('freshness', () => {
  const t = at.getTime();
  it('is fresh iff now - time < maxAge: exactly maxAge old is expired', () => {
    assert.equal(reasonOf(verifyAt(signed.query, t + 299_999)), 'ok');
    assert.equal(reasonOf(verifyAt(signed.query, t + 300_000)), 'expired');
    assert.equal(reasonOf(verifyAt(signed.query, t + 10_000, { maxAge: 10 })), 'expired');
    assert.equal(reasonOf(verifyAt(signed.query, t + 9_999, { maxAge: 10 })), 'ok');
  });
  it('tolerates up to maxFutureSkew ahead, and no more', () => {
    assert.equal(reasonOf(verifyAt(signed.query, t - 60_000)), 'ok');
    assert.equal(reasonOf(verifyAt(signed.query, t - 60_001)), 'from_future');
    assert.equal(reasonOf(verifyAt(signed.query, t - 5_001, { maxFutureSkew: 5 })), 'from_future');
  });
  it('reads a clock function at each call', () => {
    let clock = t;
    const verifier = createLogoutVerifier({ keys: publicKey, now: () => clock });
    assert.equal(reasonOf(verifier.verify(signed.query)), 'ok');
    clock = t + 400_000;
    assert.equal(reasonOf(verifier.verify(signed.query)), 'expired');
  });
  it('refuses a negative or non-numeric window at configuration time', () => {
    assert.throws(() => createLogoutVerifier({ keys: publicKey, maxAge: -1 }), { code: 'invalid_option' });
    assert.throws(() => createLogoutVerifier({ keys: publicKey, maxFutureSkew: Number.NaN }), {
      code: 'invalid_option',
    });
  });
});

describe('parameters', () => {
  const now = at.getTime();
  const json = encodeURIComponent(signed.json);
  const sig = encodeURIComponent(signed.signature);
  const cases: Array<[string, string]> = [
    ['', 'missing_parameter'],
    [`signature=${sig}`, 'missing_parameter'],
    [`clear=${json}`, 'missing_parameter'],
    [`clear=${json}&deorbit=${json}&signature=${sig}`, 'duplicate_parameter'],
    [`deorbit=${json}&deorbit=${json}&signature=${sig}`, 'duplicate_parameter'],
    [`clear=${json}&signature=${sig}&signature=${sig}`, 'duplicate_parameter'],
    [`clear=${'a'.repeat(4097)}&signature=${sig}`, 'too_large'],
    [`clear=${json}&signature=${'A'.repeat(2049)}`, 'too_large'],
    [`x=${'a'.repeat(20_000)}&clear=${json}&signature=${sig}`, 'too_large'],
    [`clear=${json}&signature=`, 'malformed_signature'],
    [`clear=${json}&signature=%21%21%21%21`, 'malformed_signature'],
    [`clear=${json}&signature=A`, 'malformed_signature'],
  ];
  for (const [query, reason] of cases) {
    it(`${reason}: ${query.slice(0, 70)}`, () => assert.equal(reasonOf(verifyAt(query, now)), reason));
  }
  it('counts the JSON cap in UTF-8 bytes', () => {
    const wide = encodeURIComponent('é'.repeat(2049)); // 4098 bytes, 2049 characters
    assert.equal(reasonOf(verifyAt(`clear=${wide}&signature=${sig}`, now)), 'too_large');
  });
});

describe('signature decoding', () => {
  const now = at.getTime();
  const json = encodeURIComponent(signed.json);
  const variants = {
    unpadded: signed.signature.replace(/=+$/, ''),
    'URL-safe': signed.signature.replace(/\+/g, '-').replace(/\//g, '_'),
    "'+' sent unencoded (decoded to a space)": signed.signature,
  };
  for (const [name, text] of Object.entries(variants)) {
    it(`accepts ${name}`, () => {
      const encoded = name.startsWith("'+'")
        ? text.replace(/\//g, '%2F').replace(/=/g, '%3D')
        : encodeURIComponent(text);
      assert.equal(reasonOf(verifyAt(`clear=${json}&signature=${encoded}`, now)), 'ok');
    });
  }
  it('rejects a signature that is not Base64-decoded before use (the classic SDK bug) as bad_signature', () => {
    const raw = Buffer.from(signed.signature, 'utf8').toString('base64');
    assert.equal(
      reasonOf(verifyAt(`clear=${json}&signature=${encodeURIComponent(raw)}`, now)),
      'bad_signature',
    );
  });
});

describe('what is signed', () => {
  const now = at.getTime();
  it('verifies the bytes as received: re-serialized JSON (no spaces) fails', () => {
    const compact = JSON.stringify(JSON.parse(signed.json));
    const query = `clear=${encodeURIComponent(compact)}&signature=${encodeURIComponent(signed.signature)}`;
    assert.equal(reasonOf(verifyAt(query, now)), 'bad_signature');
  });
  it('rejects backslash-escaped quotes added by a host framework', () => {
    const escaped = signed.json.replace(/"/g, '\\"');
    const query = `clear=${encodeURIComponent(escaped)}&signature=${encodeURIComponent(signed.signature)}`;
    assert.equal(reasonOf(verifyAt(query, now)), 'bad_signature');
  });
  it('rejects SHA-1 and PSS signatures over the same bytes', () => {
    const data = Buffer.from(signed.json);
    const sha1 = sign('sha1', data, privateKey).toString('base64');
    const pss = sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING }).toString(
      'base64',
    );
    for (const sig of [sha1, pss]) {
      const query = `clear=${encodeURIComponent(signed.json)}&signature=${encodeURIComponent(sig)}`;
      assert.equal(reasonOf(verifyAt(query, now)), 'bad_signature');
    }
  });
  it('verifies before interpreting: a validly signed non-logout is malformed_payload', () => {
    const payloads = [
      'not json',
      '[]',
      '{"api_time": "2026-01-02T03:04:05Z"}',
      '{"api_time": "2026-01-02T03:04:05Z", "user_hash": ""}',
      '{"api_time": "2026-01-02T03:04:05Z", "user_hash": 7}',
      '{"user_hash": "u"}',
      '{"api_time": "2026-01-02T03:04:05Z", "launchkey_time": "2026-01-02 03:04:05", "user_hash": "u"}',
      '{"api_time": "2026-02-31T03:04:05Z", "user_hash": "u"}',
      '{"api_time": "2026-01-02T03:04:05", "user_hash": "u"}',
      '{"api_time": 1767323045, "user_hash": "u"}',
      '{"launchkey_time": "2026-01-02T03:04:05Z", "user_hash": "u"}',
      '{"launchkey_time": "2026-13-02 03:04:05", "user_hash": "u"}',
    ];
    for (const json of payloads) {
      const sig = signWith(json);
      const query = `clear=${encodeURIComponent(json)}&signature=${encodeURIComponent(sig)}`;
      assert.equal(reasonOf(verifyAt(query, now)), 'malformed_payload', json);
    }
  });
  it('accepts api_time with an offset', () => {
    const json = '{"api_time": "2026-01-02T05:04:05+02:00", "user_hash": "u"}';
    const query = `clear=${encodeURIComponent(json)}&signature=${encodeURIComponent(signWith(json))}`;
    const result = verifyAt(query, now);
    assert.equal(result.ok && result.loggedOutAt.toISOString(), '2026-01-02T03:04:05.000Z');
  });
});

function signWith(json: string): string {
  return sign('sha256', Buffer.from(json), privateKey).toString('base64');
}

describe('keys', () => {
  it('any of several trusted keys verifies (rotation)', () => {
    const other = rsaKeyPair(3072).publicKey;
    const result = verifyLogoutCallback(signed.query, { keys: [other, publicKey], now: at });
    assert.equal(reasonOf(result), 'ok');
    assert.equal(reasonOf(verifyLogoutCallback(signed.query, { keys: [other], now: at })), 'bad_signature');
  });
  it('the vectors key does not verify callbacks signed by another key', () => {
    const result = verifyLogoutCallback(signed.query, { keys: vectors.keys.public_spki_pem, now: at });
    assert.equal(reasonOf(result), 'bad_signature');
  });
  it('exports every reason code', () => {
    assert.deepEqual([...REJECTION_REASONS].sort(), [
      'bad_signature',
      'duplicate_parameter',
      'expired',
      'from_future',
      'malformed_payload',
      'malformed_signature',
      'missing_parameter',
      'too_large',
    ]);
  });
});

describe('verifyAsync', () => {
  it('gives the same answers as verify', async () => {
    const verifier = createLogoutVerifier({ keys: publicKey, now: at });
    assert.deepEqual(await verifier.verifyAsync(signed.query), verifier.verify(signed.query));
    const tampered = signed.query.replace('user-1', 'user-2');
    assert.equal(reasonOf(await verifier.verifyAsync(tampered)), 'bad_signature');
  });
});
