import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signLogoutCallback, verifyLogoutCallback } from '../../src/index.js';
import { vectors } from '../helpers/vectors.js';

const keys = vectors.keys.public_spki_pem;

describe('vectors.json through the library', () => {
  for (const vector of vectors.valid) {
    it(`accepts: ${vector.name}`, () => {
      const result = verifyLogoutCallback(vector.query, { keys, now: new Date(vector.now) });
      assert.equal(result.ok, true, JSON.stringify(result));
      if (!result.ok) return;
      assert.equal(result.userHash, vector.expect.userHash);
      assert.equal(result.loggedOutAt.toISOString(), vector.expect.loggedOutAt);
      assert.equal(result.parameter, vector.query.startsWith('deorbit') ? 'deorbit' : 'clear');
    });
  }
  for (const vector of vectors.invalid) {
    it(`rejects (${vector.reason}): ${vector.name}`, () => {
      const result = verifyLogoutCallback(vector.query, { keys, now: new Date(vector.now) });
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.reason, vector.reason);
      assert.ok(result.message.length > 0);
    });
  }

  it('signs the valid vectors byte for byte (deterministic PKCS#1 v1.5)', () => {
    for (const vector of vectors.valid) {
      const parameter = vector.query.startsWith('deorbit') ? 'deorbit' : 'clear';
      const signed = signLogoutCallback(
        {
          userHash: vector.expect.userHash,
          loggedOutAt: new Date(vector.expect.loggedOutAt),
          parameter,
          legacyTime: vector.query.includes('launchkey_time'),
        },
        vectors.keys.private_pkcs1_pem,
      );
      assert.equal(signed.query, vector.query);
    }
  });
});
