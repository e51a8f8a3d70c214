/**
 * Cross-instance propagation through Redis: recordLogout on instance A until B's in-process cache
 * has the cutoff (write + PUBLISH + B's subscriber), over a bounded number of samples, against a
 * Redis PING round trip measured in the same run.
 * Usage: node --import tsx bench/propagation.ts [--samples N]
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { openRedisCutoffStore } from '../src/cutoffs/redis.js';
import { startRedis } from '../test/helpers/redis.js';
import { printTable } from './lib/rate.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '1000' } } });
const samples = Number(values.samples);
const GIVE_UP_MS = 1000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const server = await startRedis();
const a = await openRedisCutoffStore(server.url);
const b = await openRedisCutoffStore(server.url);
const ping = new Redis(server.url);

const propagation: number[] = [];
const writes: number[] = [];
const pings: number[] = [];
let lost = 0;
for (let i = 0; i < samples; i++) {
  const userHash = randomBytes(32).toString('base64url').slice(0, 43);
  const now = Date.now();
  const started = performance.now();
  await a.recordLogout({
    userHash,
    loggedOutAt: new Date(now),
    receivedAt: new Date(now),
    signatureDigest: randomBytes(32).toString('hex'),
  });
  writes.push(performance.now() - started);
  while (b.cutoffOf(userHash) === undefined && performance.now() - started < GIVE_UP_MS) await yieldToIo();
  if (b.cutoffOf(userHash) === undefined) lost++;
  else propagation.push(performance.now() - started);

  const pinged = performance.now();
  await ping.ping();
  pings.push(performance.now() - pinged);
}
await Promise.all([a.close(), b.close()]);
ping.disconnect();
await server.stop();

const rows = [
  ['A recordLogout → B cache', propagation],
  ['A recordLogout resolved', writes],
  ['Redis PING round trip', pings],
] as const;
console.log(
  `propagation through Redis on loopback, ${samples} samples (${lost} not seen within ${GIVE_UP_MS} ms)`,
);
printTable(
  ['path', 'p50 ms', 'p99 ms', 'max ms'],
  rows.map(([name, values]) => {
    const sorted = [...values].sort((x, y) => x - y);
    return [
      name,
      percentile(sorted, 50).toFixed(3),
      percentile(sorted, 99).toFixed(3),
      (sorted.at(-1) ?? 0).toFixed(3),
    ];
  }),
);
const p99 = percentile(
  [...propagation].sort((x, y) => x - y),
  99,
);
const pingP50 = percentile(
  [...pings].sort((x, y) => x - y),
  50,
);
console.log(
  `ratio: propagation p99 = ${(p99 / pingP50).toFixed(1)}x a PING round trip (p50); target p99 <= 50 ms: ${p99 <= 50 ? 'met' : 'MISSED'}`,
);
