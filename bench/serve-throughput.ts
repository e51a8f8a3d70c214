/**
 * Callbacks per second of one `logout-callback serve` process (SQLite, Redis and memory stores),
 * against a plain node:http hello-world process loaded by the same generator (autocannon) in the
 * same run, and against the pure in-process verify rate. Every callback is distinct (a pre-signed
 * pool, distinct user hashes, api_time = now): each HTTP run stops after `--pool` requests or
 * `--seconds`, whichever comes first, so no callback is sent twice. Loopback only.
 * Needs `npm run build` first. Usage: node --import tsx bench/serve-throughput.ts [--seconds S]
 * [--pool N] [--connections C]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createLogoutVerifier, exportPublicPem, signLogoutCallback } from '../src/index.js';
import { cliPath } from '../test/helpers/cli.js';
import { startRedis } from '../test/helpers/redis.js';
import { formatRate, measureRate, printTable } from './lib/rate.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    pool: { type: 'string', default: '12000' },
    connections: { type: 'string', default: '16' },
  },
});
const seconds = Number(values.seconds);
const poolSize = Number(values.pool);
const connections = Number(values.connections);

const HELLO_WORLD = `
const http = require('node:http');
const server = http.createServer((req, res) => res.end('hello world'));
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

interface Started {
  url: string;
  child: ChildProcess;
}

/** Spawns a server process and waits (at most 20 s) for its `listening on URL` line. */
function startProcess(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const line = /listening on (http:\/\/\S+)\n/.exec(stdout);
      if (!line) return;
      clearTimeout(timer);
      resolve({ url: line[1]!, child });
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

interface LoadResult {
  perSecond: number;
  p99: number;
  ok: number;
  other: number;
}

/** autocannon against url: `paths` are sent once each in turn, bounded by their number and by `seconds`. */
async function load(url: string, paths: readonly string[]): Promise<LoadResult> {
  let next = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url,
        connections,
        duration: seconds,
        amount: paths.length,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }),
          },
        ],
      },
      (error, finished) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(finished);
      },
    );
    // With `amount` autocannon ignores `duration`: the time bound is kept here.
    const timer = setTimeout(() => run.stop(), seconds * 1000);
  });
  return {
    perSecond: result['2xx'] / result.duration,
    p99: result.latency.p99,
    ok: result['2xx'],
    other: result.non2xx + result.errors + result.timeouts,
  };
}

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dir = mkdtempSync(join(tmpdir(), 'lc-bench-serve-'));
const keyFile = join(dir, 'public.pem');
writeFileSync(keyFile, exportPublicPem(publicKey));

console.log(`signing ${poolSize} distinct callbacks…`);
const queries = Array.from({ length: poolSize }, (_, i) => {
  const userHash = `bench${String(i).padStart(8, '0')}${'u'.repeat(30)}`;
  return signLogoutCallback({ userHash, loggedOutAt: new Date() }, privateKey).query;
});
const paths = queries.map((query) => `/callback?${query}`);

const verifier = createLogoutVerifier({ keys: publicKey });
let cursor = 0;
const verifyRate = measureRate(() => verifier.verify(queries[cursor++ % queries.length]!), 2);

const hello = await startProcess(['-e', HELLO_WORLD]);
// The same requests as the callbacks (long query, POST, rotated per request): the generator's own cost is alike.
const helloResult = await load(hello.url, paths);
await stopProcess(hello.child);

const serveArgs = [cliPath, 'serve', '--key', keyFile, '--port', '0', '--log-level', 'warn'];
const sqlite = await startProcess([...serveArgs, '--store', `sqlite:${join(dir, 'cutoffs.db')}`]);
const sqliteResult = await load(sqlite.url, paths);
await stopProcess(sqlite.child);

// The memory store isolates the receiver's own cost (HTTP, verification) from the stores'.
const memory = await startProcess([...serveArgs, '--store', 'memory']);
const memoryResult = await load(memory.url, paths);
await stopProcess(memory.child);

const redis = await startRedis();
const redisServe = await startProcess([...serveArgs, '--store', redis.url]);
const redisResult = await load(redisServe.url, paths);
await stopProcess(redisServe.child);
await redis.stop();
rmSync(dir, { recursive: true, force: true });

const row = (name: string, r: LoadResult, ofHello: boolean): string[] => [
  name,
  formatRate(r.perSecond),
  ofHello ? `${((r.perSecond / helloResult.perSecond) * 100).toFixed(1)} %` : '100 %',
  ofHello ? `${((r.perSecond / verifyRate) * 100).toFixed(1)} %` : '',
  `${r.p99} ms`,
  `${r.ok} / ${r.other}`,
];
console.log(`\n${connections} connections, up to ${seconds} s or ${poolSize} distinct callbacks per run\n`);
printTable(
  ['server', 'req/s (2xx)', 'of hello-world', 'of verify rate', 'p99', '2xx / other'],
  [
    row('node:http hello world', helloResult, false),
    row('serve, SQLite store', sqliteResult, true),
    row('serve, Redis store', redisResult, true),
    row('serve, memory store (reference)', memoryResult, true),
  ],
);
console.log(`\nin-process verifier.verify(): ${formatRate(verifyRate)}/s (one core, synchronous)`);
