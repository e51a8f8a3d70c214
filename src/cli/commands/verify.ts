import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createLogoutVerifier, type VerifyResult } from '../../protocol/verify.js';
import { readPublicKeys } from '../key-files.js';
import { collect, EXIT_OK, EXIT_REJECTED, parseIsoTime, parseSeconds } from '../usage.js';

interface VerifyCliOptions {
  key: string[];
  now?: Date;
  maxAge?: number;
  maxFutureSkew?: number;
}

/** The one-line JSON form of a verification result, as the CLI and the receiver print it. */
export function resultJson(result: VerifyResult): string {
  if (!result.ok) return JSON.stringify({ ok: false, reason: result.reason, message: result.message });
  return JSON.stringify({
    ok: true,
    userHash: result.userHash,
    loggedOutAt: result.loggedOutAt.toISOString(),
    parameter: result.parameter,
  });
}

export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('verify a logout callback: exit 0 if accepted, 1 if rejected, 2 on a usage error')
    .argument('<input>', 'the callback URL, its query string, or - to read it from stdin')
    .requiredOption('--key <file>', 'a trusted public key, PEM or JWK (repeat for several)', collect)
    .option('--now <iso>', 'the clock to judge freshness by (default: now)', parseIsoTime)
    .option('--max-age <s>', 'seconds after which a callback is expired', parseSeconds, 300)
    .option('--max-future-skew <s>', 'seconds a callback may be dated ahead', parseSeconds, 60)
    .action((input: string, options: VerifyCliOptions) => {
      const verifier = createLogoutVerifier({
        keys: readPublicKeys(options.key),
        now: options.now,
        maxAge: options.maxAge,
        maxFutureSkew: options.maxFutureSkew,
      });
      const text = input === '-' ? readFileSync(0, 'utf8').trim() : input;
      const result = verifier.verify(text);
      process.stdout.write(`${resultJson(result)}\n`);
      process.exitCode = result.ok ? EXIT_OK : EXIT_REJECTED;
    });
}
