import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isEndedBy, isMoot, latestMootCutoff, nextCutoff, toMillis } from '../../src/cutoffs/model.js';

const T = Date.parse('2026-03-01T12:00:00Z');
const DAY = 86_400_000;

describe('nextCutoff', () => {
  it('takes the logout time, or the arrival time for a future-dated logout', () => {
    assert.equal(nextCutoff(undefined, T, T + 5000), T);
    assert.equal(nextCutoff(undefined, T + 60_000, T + 5000), T + 5000);
  });

  it('never moves back', () => {
    assert.equal(nextCutoff(T, T - 1000, T + 5000), T);
    assert.equal(nextCutoff(T, T + 1000, T + 5000), T + 1000);
  });
});

describe('isEndedBy', () => {
  it('ends nothing without a cutoff', () => {
    assert.equal(isEndedBy(T - DAY, undefined), false);
  });

  it('ends sessions started in or before the cutoff second, and keeps later ones', () => {
    assert.equal(isEndedBy(T - 1, T), true);
    assert.equal(isEndedBy(T, T), true, 'started in the same millisecond');
    assert.equal(isEndedBy(T + 999, T), true, 'started later within the same second');
    assert.equal(isEndedBy(T + 1000, T), false, 'started in the next second');
  });

  it('takes a cutoff with milliseconds to the start of its second', () => {
    assert.equal(isEndedBy(T + 999, T + 500), true);
    assert.equal(isEndedBy(T + 1000, T + 500), false);
    assert.equal(isEndedBy(T + 1000, T + 1000), true);
  });

  it('compares whole seconds: ended iff the start second is not after the cutoff second', () => {
    fc.assert(
      fc.property(fc.nat(4_000_000_000_000), fc.nat(4_000_000_000_000), (startedAt, cutoff) => {
        const expected = Math.floor(startedAt / 1000) <= Math.floor(cutoff / 1000);
        assert.equal(isEndedBy(startedAt, cutoff), expected);
      }),
    );
  });
});

describe('isMoot', () => {
  it('is moot once no session that it ends can still be alive', () => {
    const maxAge = DAY;
    // A session started at T + 999 is ended by cutoff T and lives until T + 999 + maxAge.
    assert.equal(isMoot(T, T + 999 + maxAge, maxAge), false);
    assert.equal(isMoot(T, T + 1000 + maxAge, maxAge), true);
    assert.equal(latestMootCutoff(T + 1000 + maxAge, maxAge), T);
  });
});

describe('toMillis', () => {
  it('takes a Date or epoch milliseconds', () => {
    assert.equal(toMillis(new Date(T)), T);
    assert.equal(toMillis(T), T);
  });
});

const delivery = fc.record({
  loggedOutAt: fc.integer({ min: T - DAY, max: T + DAY }),
  receivedAt: fc.integer({ min: T - DAY, max: T + DAY }),
});
type Delivery = { loggedOutAt: number; receivedAt: number };

function fold(deliveries: readonly Delivery[]): number | undefined {
  return deliveries.reduce<number | undefined>(
    (cutoff, { loggedOutAt, receivedAt }) => nextCutoff(cutoff, loggedOutAt, receivedAt),
    undefined,
  );
}

describe('cutoff properties', () => {
  it('never moves back, whatever arrives', () => {
    fc.assert(
      fc.property(fc.array(delivery, { maxLength: 30 }), (deliveries) => {
        let cutoff: number | undefined;
        for (const { loggedOutAt, receivedAt } of deliveries) {
          const next = nextCutoff(cutoff, loggedOutAt, receivedAt);
          if (cutoff !== undefined) assert.ok(next >= cutoff);
          assert.ok(next >= Math.min(loggedOutAt, receivedAt));
          cutoff = next;
        }
      }),
    );
  });

  it('does not depend on the order of deliveries (replays and reordering are harmless)', () => {
    const deliveriesAndOrder = fc
      .array(delivery, { minLength: 1, maxLength: 20 })
      .chain((deliveries) =>
        fc.tuple(
          fc.constant(deliveries),
          fc.shuffledSubarray(deliveries, { minLength: deliveries.length, maxLength: deliveries.length }),
          fc.array(fc.constantFrom(...deliveries), { maxLength: 5 }),
        ),
      );
    fc.assert(
      fc.property(deliveriesAndOrder, ([deliveries, shuffled, replays]) => {
        assert.equal(fold([...shuffled, ...replays]), fold(deliveries));
      }),
    );
  });

  it('a cutoff that moves forward ends every session the earlier cutoff ended', () => {
    fc.assert(
      fc.property(fc.nat(4e12), fc.nat(4e12), fc.nat(1e9), (startedAt, cutoff, step) => {
        if (isEndedBy(startedAt, cutoff)) assert.equal(isEndedBy(startedAt, cutoff + step), true);
      }),
    );
  });
});
