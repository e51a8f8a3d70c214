/**
 * Fuzzes the verifier with generated query strings (default 100,000): it must never throw and
 * always answer ok or one of the documented reason codes. Usage: npm run fuzz -- [count]
 */
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { createLogoutVerifier, isRejectionReason } from '../src/index.js';
import { callbackQueries } from '../test/protocol/arbitraries.js';

const count = Number(process.argv[2] ?? 100_000);
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const verifier = createLogoutVerifier({ keys: publicKey, now: Date.UTC(2026, 0, 1) });
const tally = new Map<string, number>();
const started = performance.now();

fc.assert(
  fc.property(callbackQueries(privateKey), (query) => {
    const result = verifier.verify(query);
    const outcome = result.ok ? 'ok' : result.reason;
    if (!result.ok && !isRejectionReason(result.reason)) throw new Error(`unknown reason ${outcome}`);
    tally.set(outcome, (tally.get(outcome) ?? 0) + 1);
  }),
  { numRuns: count },
);

const seconds = (performance.now() - started) / 1000;
console.log(
  `${count} generated inputs in ${seconds.toFixed(1)} s: no exception, every answer a known outcome`,
);
for (const [outcome, n] of [...tally].sort((a, b) => b[1] - a[1]))
  console.log(`  ${outcome.padEnd(20)} ${n}`);
