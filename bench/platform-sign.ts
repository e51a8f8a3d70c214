/**
 * Signatures per second with signLogoutCallback (a pre-loaded KeyObject), against `openssl speed
 * rsa2048` sign/s from the same run, one core each; rounds interleave the two, medians reported.
 * Usage: node --import tsx bench/platform-sign.ts [--seconds S] [--rounds R]
 */
import { generateKeyPairSync, sign as rsaSign } from 'node:crypto';
import { parseArgs } from 'node:util';
import { signLogoutCallback } from '../src/index.js';
import { opensslRsaSpeed } from './lib/openssl.js';
import { formatRate, measureRate, median, printTable } from './lib/rate.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const TARGET = 0.85;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const loggedOutAt = new Date('2026-01-01T00:00:00Z');
const userHash = 'FjnZrwQKfnUVlXaOu2KRuzTI3E9ZrVvgfsp57bzrGVH';
const data = Buffer.from('{"api_time": "2026-01-01T00:00:00Z", "user_hash": "x"}');

const samples = { openssl: [] as number[], raw: [] as number[], full: [] as number[] };
for (let round = 1; round <= rounds; round++) {
  samples.openssl.push(opensslRsaSpeed(seconds).signPerSecond);
  samples.raw.push(measureRate(() => rsaSign('sha256', data, privateKey), seconds));
  samples.full.push(measureRate(() => signLogoutCallback({ userHash, loggedOutAt }, privateKey), seconds));
  console.error(`round ${round}/${rounds} done`);
}

const openssl = median(samples.openssl);
const full = median(samples.full);
console.log(
  `\nRSA-2048 signing, median of ${rounds} rounds of ${seconds} s, one core, Node ${process.version} (OpenSSL ${process.versions.openssl})\n`,
);
printTable(
  ['what', 'sign/s', 'ratio'],
  [
    ['openssl speed rsa2048', formatRate(openssl), '1.00 × openssl'],
    [
      'node:crypto sign, raw',
      formatRate(median(samples.raw)),
      `${(median(samples.raw) / openssl).toFixed(2)} × openssl`,
    ],
    ['signLogoutCallback, full', formatRate(full), `${(full / openssl).toFixed(2)} × openssl`],
  ],
);
console.log(`\ntarget ≥ ${TARGET} × openssl per core: ${full / openssl >= TARGET ? 'met' : 'NOT met'}`);
