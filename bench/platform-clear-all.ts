/**
 * Clear All for U users × S services into local receivers (node:http on loopback that verify each
 * callback and answer 200), through the durable SQLite outbox in a temporary file.
 * Reports the time to sign and commit every Clear All, the time until the outbox drained, and
 * callbacks per second end to end.
 * Usage: node --import tsx bench/platform-clear-all.ts [--users U] [--services S] [--concurrency C]
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDispatcher } from '../src/platform/dispatcher.js';
import { createLogoutVerifier } from '../src/protocol/verify.js';
import { formatRate, printTable } from './lib/rate.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    services: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '4' },
  },
});
const users = Number(values.users);
const serviceCount = Number(values.services);
const concurrency = Number(values.concurrency);
const DRAIN_LIMIT_MS = 120_000;

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const verifier = createLogoutVerifier({ keys: publicKey });
let accepted = 0;
let rejected = 0;

async function receiver(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    void verifier.verifyAsync(request.url ?? '').then((result) => {
      if (result.ok) accepted++;
      else rejected++;
      response.writeHead(result.ok ? 200 : 400, { 'cache-control': 'no-store' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback` };
}

const dir = mkdtempSync(join(tmpdir(), 'lc-bench-platform-'));
const receivers = await Promise.all(Array.from({ length: serviceCount }, receiver));
const platform = await createDispatcher({
  database: join(dir, 'platform.sqlite'),
  keys: privateKey,
  perServiceConcurrency: concurrency,
});
try {
  const services = receivers.map((r, i) =>
    platform.registerService({ name: `service ${i}`, callbackUrl: r.url }),
  );
  for (let u = 0; u < users; u++) for (const s of services) platform.authorize(`user${u}`, s.id);

  const start = performance.now();
  for (let u = 0; u < users; u++) await platform.clearAll(`user${u}`);
  const enqueued = performance.now();
  await platform.drained(DRAIN_LIMIT_MS);
  const drained = performance.now();

  const total = users * serviceCount;
  if (accepted !== total || rejected !== 0)
    throw new Error(`accepted ${accepted}, rejected ${rejected}, expected ${total}`);
  const seconds = (drained - start) / 1000;
  console.log(
    `\nClear All: ${users} users × ${serviceCount} services = ${total} callbacks, per-service concurrency ${concurrency}, SQLite outbox (synchronous=FULL), Node ${process.version}\n`,
  );
  printTable(
    ['what', 'value'],
    [
      [
        'sign + commit every Clear All',
        `${((enqueued - start) / 1000).toFixed(2)} s (${formatRate((total * 1000) / (enqueued - start))} callbacks/s)`,
      ],
      ['time to drain (first Clear → last 200)', `${seconds.toFixed(2)} s`],
      ['callbacks delivered per second, end to end', formatRate(total / seconds)],
      ['callbacks verified by the receivers', `${accepted} of ${total}`],
    ],
  );
} finally {
  await platform.close();
  for (const r of receivers) r.server.close();
  rmSync(dir, { recursive: true, force: true });
}
