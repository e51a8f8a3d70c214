/**
 * Verifications per second in-process, against `openssl speed rsa2048` verify/s from the same run.
 * Rounds interleave OpenSSL and Node so that noise on the shared machine hits both alike; the
 * median of the rounds is reported. Usage: node --import tsx bench/verify.ts [--seconds S] [--rounds R]
 */
import { generateKeyPairSync, verify as rsaVerify } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createLogoutVerifier, signLogoutCallback } from '../src/index.js';
import { opensslRsaSpeed } from './lib/openssl.js';
import { formatRate, measureAsyncRate, measureRate, median, printTable } from './lib/rate.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const cores = availableParallelism();

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const at = new Date('2026-01-01T00:00:00Z');
const signed = signLogoutCallback(
  { userHash: 'FjnZrwQKfnUVlXaOu2KRuzTI3E9ZrVvgfsp57bzrGVH', loggedOutAt: at },
  privateKey,
);
const verifier = createLogoutVerifier({ keys: publicKey, now: at });
const data = Buffer.from(signed.json);
const signature = Buffer.from(signed.signature, 'base64');
if (!verifier.verify(signed.query).ok) throw new Error('the benchmark callback does not verify');

const samples = {
  openssl: [] as number[],
  raw: [] as number[],
  full: [] as number[],
  opensslMulti: [] as number[],
  async: [] as number[],
};
for (let round = 1; round <= rounds; round++) {
  samples.openssl.push(opensslRsaSpeed(seconds).verifyPerSecond);
  samples.raw.push(measureRate(() => rsaVerify('sha256', data, publicKey, signature), seconds));
  samples.full.push(measureRate(() => verifier.verify(signed.query), seconds));
  samples.opensslMulti.push(opensslRsaSpeed(seconds, 2048, cores).verifyPerSecond);
  samples.async.push(await measureAsyncRate(() => verifier.verifyAsync(signed.query), seconds, 64));
  console.error(`round ${round}/${rounds} done`);
}

const openssl = median(samples.openssl);
const opensslMulti = median(samples.opensslMulti);
const row = (name: string, rate: number, base: number, baseName: string) => [
  name,
  formatRate(rate),
  `${(rate / base).toFixed(2)} × ${baseName}`,
];
console.log(
  `\nRSA-2048 verification, median of ${rounds} rounds of ${seconds} s, Node ${process.version} (OpenSSL ${process.versions.openssl}), ${cores} cores\n`,
);
printTable(
  ['what', 'verify/s', 'ratio'],
  [
    ['openssl speed rsa2048 (1 core)', formatRate(openssl), '1.00 × openssl'],
    row('node:crypto verify, raw (1 core)', median(samples.raw), openssl, 'openssl'),
    row('verifyLogoutCallback, full (1 core)', median(samples.full), openssl, 'openssl'),
    [`openssl speed -multi ${cores}`, formatRate(opensslMulti), `1.00 × openssl -multi ${cores}`],
    row(
      `verifyAsync, thread pool (${cores} cores)`,
      median(samples.async),
      opensslMulti,
      `openssl -multi ${cores}`,
    ),
  ],
);
