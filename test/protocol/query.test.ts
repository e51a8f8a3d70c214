import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { extractCallbackParts } from '../../src/protocol/query.js';

/** The reference: the same extraction done with the platform's own URLSearchParams. */
function viaUrlSearchParams(query: string) {
  return extractCallbackParts(new URLSearchParams(query));
}

const pieces = fc.constantFrom(
  'clear',
  'deorbit',
  'signature',
  'cl%65ar',
  'sig%6Eature',
  '=',
  '&',
  '+',
  '%',
  '%2B',
  '%zz',
  '%C3%A9',
  '%E9',
  '%F0%9F%98%80',
  '%26',
  '%3D',
  'a',
  '{"',
  ' ',
);

describe('the query parser', () => {
  it('extracts exactly what URLSearchParams would, for arbitrary query strings', () => {
    const queries = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(pieces, { maxLength: 14 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(queries, (query) => {
        assert.deepEqual(extractCallbackParts(query), viaUrlSearchParams(query));
      }),
      { numRuns: 3000 },
    );
  });
});
