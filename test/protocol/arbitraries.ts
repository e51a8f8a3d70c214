import { type KeyObject, sign } from 'node:crypto';
import fc from 'fast-check';
import { signLogoutCallback } from '../../src/index.js';

/**
 * Query strings that look more or less like logout callbacks: arbitrary text, shuffled pieces of
 * real parameters, and genuine signed callbacks with one mutation. Shared by the property test and
 * the fuzz script (scripts/fuzz.ts).
 */
export function callbackQueries(privateKey: KeyObject): fc.Arbitrary<string> {
  const at = new Date(Date.UTC(2026, 0, 1));
  const genuine = signLogoutCallback(
    { userHash: 'FjnZrwQKfnUVlXaOu2KRuzTI3E9ZrVvgfsp57bzrGVH', loggedOutAt: at },
    privateKey,
  );
  const legacy = signLogoutCallback(
    { userHash: 'u', loggedOutAt: at, parameter: 'deorbit', legacyTime: true },
    privateKey,
  );
  const names = fc.constantFrom('clear', 'deorbit', 'signature', 'auth', 'user_hash', 'cl%65ar', '', 'x');
  const values = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ maxLength: 80, unit: 'binary' }).map(encodeURIComponent),
    fc.constantFrom(
      genuine.signature,
      encodeURIComponent(genuine.json),
      genuine.json,
      '%',
      '%zz',
      '%E9',
      '+',
    ),
    fc.nat({ max: 6000 }).map((n) => 'A'.repeat(n)),
  );
  const pair = fc.tuple(names, values).map(([name, value]) => `${name}=${value}`);
  const assembled = fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.join('&'));
  const mutated = fc
    .tuple(fc.constantFrom(genuine.query, legacy.query), fc.nat(), fc.string({ maxLength: 3 }))
    .map(([query, index, insert]) => {
      const i = index % query.length;
      return query.slice(0, i) + insert + query.slice(i + 1);
    });
  // Validly signed texts that may not be logouts: they exercise everything after the signature.
  const timeText = fc.oneof(
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom(
      '2026-01-01T00:00:00Z',
      '2025-12-31 23:59:59',
      '2026-02-31T00:00:00Z',
      '2026-01-01T00:10:00+00:00',
    ),
    fc.string({ maxLength: 25 }),
  );
  const payload = fc
    .record(
      { api_time: timeText, launchkey_time: timeText, user_hash: fc.oneof(fc.string(), fc.integer()) },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o));
  const signedPayloads = fc.oneof(payload, fc.string({ maxLength: 40 })).map((json) => {
    const signature = sign('sha256', Buffer.from(json), privateKey).toString('base64');
    return new URLSearchParams([
      ['clear', json],
      ['signature', signature],
    ]).toString();
  });
  return fc.oneof(
    fc.string({ maxLength: 200 }),
    assembled,
    mutated,
    fc.constant(genuine.query),
    signedPayloads,
  );
}
