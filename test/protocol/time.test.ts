import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatApiTime, formatLegacyTime, parseApiTime, parseLegacyTime } from '../../src/index.js';

describe('time formats', () => {
  it('parses api_time with Z, offsets and fractions', () => {
    assert.equal(parseApiTime('2015-04-24T22:49:19Z')?.toISOString(), '2015-04-24T22:49:19.000Z');
    assert.equal(parseApiTime('2015-04-24T22:49:19.5Z')?.toISOString(), '2015-04-24T22:49:19.500Z');
    assert.equal(parseApiTime('2015-04-25T00:49:19+02:00')?.toISOString(), '2015-04-24T22:49:19.000Z');
    assert.equal(parseApiTime('2015-04-24T17:49:19-0500')?.toISOString(), '2015-04-24T22:49:19.000Z');
  });
  it('refuses times without a zone, impossible dates and other shapes', () => {
    for (const text of [
      '2015-04-24T22:49:19',
      '2015-02-29T00:00:00Z',
      '2016-02-30T00:00:00Z',
      '2015-04-31T00:00:00Z',
      '2015-04-24T24:00:00Z',
      '2015-04-24T23:60:00Z',
      '2015-04-24T23:59:60Z',
      '2015-04-24T22:49:19+24:00',
      '2015-04-24 22:49:19Z',
      '0015-04-24T22:49:19Z',
      ' 2015-04-24T22:49:19Z',
      '',
    ]) {
      assert.equal(parseApiTime(text), undefined, text);
    }
    assert.equal(parseApiTime('2016-02-29T00:00:00Z')?.toISOString(), '2016-02-29T00:00:00.000Z');
  });
  it('parses launchkey_time as UTC, strictly', () => {
    assert.equal(parseLegacyTime('2015-04-24 22:49:19')?.toISOString(), '2015-04-24T22:49:19.000Z');
    for (const text of [
      '2015-04-24T22:49:19',
      '2015-02-31 00:00:00',
      '2015-04-24 22:49:19Z',
      '2015-4-24 2:49:19',
    ]) {
      assert.equal(parseLegacyTime(text), undefined, text);
    }
  });
  it('formats whole seconds, as the platform sends them', () => {
    const date = new Date('2015-04-24T22:49:19.987Z');
    assert.equal(formatApiTime(date), '2015-04-24T22:49:19Z');
    assert.equal(formatLegacyTime(date), '2015-04-24 22:49:19');
  });
});
