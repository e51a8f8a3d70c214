/**
 * The per-request session check (in-process isSessionLive on a Redis-backed store holding 10^5
 * cutoffs) against one Redis GET round trip, measured in the same run on the same redis-server.
 * Rounds interleave the two so noise on the shared machine hits both; medians are reported.
 * Usage: node --import tsx bench/session-check.ts [--users N] [--seconds S] [--rounds R]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { openRedisCutoffStore } from '../src/cutoffs/redis.js';
import { startRedis } from '../test/helpers/redis.js';
import { formatRate, measureAsyncRate, measureRate, median, printTable } from './lib/rate.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
  },
});
const users = Number(values.users);
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

const server = await startRedis();
const client = new Redis(server.url);
const now = Date.now();
const userHashes = Array.from({ length: users }, () => randomBytes(32).toString('base64url').slice(0, 43));
for (let i = 0; i < users; i += 1000) {
  const pairs = userHashes
    .slice(i, i + 1000)
    .flatMap((userHash, j) => [now - ((i + j) % 3600) * 1000, userHash]);
  await client.zadd('logout-callback:cutoffs', ...pairs);
}
await client.set('bench:session', 'x');

const store = await openRedisCutoffStore(server.url);
if (store.health().cachedCutoffs !== users) throw new Error(`loaded ${store.health().cachedCutoffs} cutoffs`);

// Half the checks hit a known user, half an unknown one; sessions started an hour ago or just now.
const probes = Array.from({ length: 4096 }, (_, i) => ({
  userHash: i % 2 ? (userHashes[(i * 7919) % users] as string) : `unknown-${i}`,
  startedAt: i % 3 ? now - 3_600_000 : now,
}));
let next = 0;
let live = 0;
const check = () => {
  const probe = probes[next++ & 4095]!;
  if (store.isSessionLive(probe.userHash, probe.startedAt)) live++;
};

const inProcess: number[] = [];
const roundTrips: number[] = [];
for (let round = 0; round < rounds; round++) {
  inProcess.push(measureRate(check, seconds));
  roundTrips.push(await measureAsyncRate(() => client.get('bench:session'), seconds, 1));
}
await store.close();
client.disconnect();
await server.stop();

const checksPerSecond = median(inProcess);
const getsPerSecond = median(roundTrips);
console.log(
  `session check, ${users.toLocaleString('en-US')} cutoffs in the cache, ${rounds} rounds of ${seconds} s`,
);
printTable(
  ['operation', 'per second (median)', 'ns per call'],
  [
    ['isSessionLive (in-process)', formatRate(checksPerSecond), (1e9 / checksPerSecond).toFixed(0)],
    ['Redis GET round trip', formatRate(getsPerSecond), (1e9 / getsPerSecond).toFixed(0)],
  ],
);
console.log(
  `ratio: the in-process check is ${(checksPerSecond / getsPerSecond).toFixed(0)}x cheaper (target >= 100x)`,
);
if (live === 0) console.log('(no live sessions seen: the probes are wrong)');
