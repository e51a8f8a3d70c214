import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  createLogoutVerifier,
  isRejectionReason,
  type LogoutVerifier,
  signLogoutCallback,
} from '../../src/index.js';
import { rsaKeyPair } from '../helpers/keys.js';
import { callbackQueries } from './arbitraries.js';

const SIZES = [2048, 3072, 4096] as const;
const pairs = SIZES.map((bits) => rsaKeyPair(bits));
const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(2999, 11, 31);

function verifierAt(keyIndex: number, now: number): LogoutVerifier {
  return createLogoutVerifier({ keys: pairs[keyIndex]!.publicKey, now });
}

const events = fc.record({
  userHash: fc.string({ minLength: 1, maxLength: 200, unit: 'binary' }),
  time: fc.integer({ min: MIN_TIME, max: MAX_TIME }),
  keyIndex: fc.integer({ min: 0, max: SIZES.length - 1 }),
  parameter: fc.constantFrom('clear' as const, 'deorbit' as const),
  legacyTime: fc.boolean(),
});

describe('property: sign → verify', () => {
  it('round-trips arbitrary user hashes, times, key sizes and forms', () => {
    fc.assert(
      fc.property(events, ({ userHash, time, keyIndex, parameter, legacyTime }) => {
        const loggedOutAt = new Date(Math.floor(time / 1000) * 1000);
        const signed = signLogoutCallback(
          { userHash, loggedOutAt, parameter, legacyTime },
          pairs[keyIndex]!.privateKey,
        );
        const result = verifierAt(keyIndex, time + 1000).verify(signed.query);
        assert.ok(result.ok, JSON.stringify(result));
        assert.equal(result.userHash, userHash);
        assert.equal(result.loggedOutAt.getTime(), loggedOutAt.getTime());
        assert.equal(result.parameter, parameter);
      }),
      { numRuns: 150 },
    );
  });

  it('rejects any change of one byte of the JSON or of the signature', () => {
    const at = new Date('2026-03-01T12:00:00Z');
    const signed = signLogoutCallback(
      { userHash: 'FjnZrwQKfnUVlXaOu2KRuzTI3E9ZrVvgfsp57bzrGVH', loggedOutAt: at },
      pairs[0]!.privateKey,
    );
    const verifier = verifierAt(0, at.getTime());
    const json = Buffer.from(signed.json);
    const signature = Buffer.from(signed.signature, 'base64');
    const change = fc.record({
      inSignature: fc.boolean(),
      index: fc.nat(),
      xor: fc.integer({ min: 1, max: 255 }),
    });
    fc.assert(
      fc.property(change, ({ inSignature, index, xor }) => {
        const target = Buffer.from(inSignature ? signature : json);
        const i = index % target.length;
        target[i] = target[i]! ^ xor;
        const query = new URLSearchParams([
          ['clear', inSignature ? signed.json : target.toString('latin1')],
          ['signature', (inSignature ? target : signature).toString('base64')],
        ]).toString();
        const result = verifier.verify(query);
        assert.equal(result.ok, false);
      }),
      { numRuns: 400 },
    );
  });
});

describe('property: arbitrary input', () => {
  it('never throws and always yields ok or one of the reason codes', () => {
    const verifier = verifierAt(0, Date.UTC(2026, 0, 1));
    fc.assert(
      fc.property(callbackQueries(pairs[0]!.privateKey), (query) => {
        const result = verifier.verify(query);
        assert.ok(result.ok || isRejectionReason(result.reason), JSON.stringify(result));
        if (!result.ok) assert.ok(result.message.length > 0);
      }),
      { numRuns: 2000 },
    );
  });
});
