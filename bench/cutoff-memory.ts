/**
 * Heap held by 10^6 live cutoffs in the in-process CutoffCache, against the heap of the same
 * number of bare user_hash strings (43 characters) measured in the same run.
 * Usage: node --expose-gc --import tsx bench/cutoff-memory.ts [--cutoffs N]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { CutoffCache } from '../src/cutoffs/cache.js';
import { printTable } from './lib/rate.js';

const { values } = parseArgs({ options: { cutoffs: { type: 'string', default: '1000000' } } });
const count = Number(values.cutoffs);
const collect = globalThis.gc;
if (!collect) throw new Error('run with node --expose-gc');

function heapAfterGc(): number {
  collect?.();
  collect?.();
  return process.memoryUsage().heapUsed;
}

/** Heap retained by what build() returns. */
function retainedBy(build: () => unknown): { bytes: number; kept: unknown } {
  const before = heapAfterGc();
  const kept = build();
  return { bytes: heapAfterGc() - before, kept };
}

const newUserHash = () => randomBytes(32).toString('base64url').slice(0, 43);
const now = Date.now();

const strings = retainedBy(() => Array.from({ length: count }, newUserHash));
const cache = retainedBy(() => {
  const built = new CutoffCache(86_400_000, () => now);
  for (let i = 0; i < count; i++) built.merge(newUserHash(), now - (i % 86_400) * 1000);
  return built;
});
if ((cache.kept as CutoffCache).size !== count || (strings.kept as string[]).length !== count) {
  throw new Error('the measured structures lost entries');
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
console.log(`heap for ${count.toLocaleString('en-US')} entries (node ${process.version})`);
printTable(
  ['structure', 'heap MB', 'bytes per entry'],
  [
    ['CutoffCache (user_hash -> cutoff)', mb(cache.bytes), (cache.bytes / count).toFixed(0)],
    ['bare user_hash strings (baseline)', mb(strings.bytes), (strings.bytes / count).toFixed(0)],
  ],
);
console.log(`ratio: the cache takes ${(cache.bytes / strings.bytes).toFixed(2)}x the heap of its keys alone`);
