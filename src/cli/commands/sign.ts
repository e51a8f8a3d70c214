import type { Command } from 'commander';
import type { JsonParameterName } from '../../protocol/query.js';
import { signLogoutCallback } from '../../protocol/sign.js';
import { readPrivateKey } from '../key-files.js';
import { parseChoice, parseIsoTime, UsageError } from '../usage.js';

interface SignOptions {
  key: string;
  userHash: string;
  time?: Date;
  param: JsonParameterName;
  legacyTime?: boolean;
  url?: string;
}

export function withQuery(url: string, query: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`Not an absolute URL: ${url}`);
  }
  parsed.search = parsed.search ? `${parsed.search.slice(1)}&${query}` : query;
  return parsed.toString();
}

export function registerSign(program: Command): void {
  program
    .command('sign')
    .description('sign a logout callback and print its query string (or the whole callback URL)')
    .requiredOption('--key <file>', 'the private key (PEM or JWK)')
    .requiredOption('--user-hash <hash>', 'the user_hash to log out')
    .option('--time <iso>', 'time of the logout (default: now)', parseIsoTime)
    .option(
      '--param <name>',
      'JSON parameter name: clear or deorbit',
      parseChoice(['clear', 'deorbit'] as const),
      'clear',
    )
    .option('--legacy-time', 'send launchkey_time (YYYY-MM-DD HH:MM:SS) instead of api_time')
    .option('--url <url>', 'print the whole callback URL instead of the query string')
    .action((options: SignOptions) => {
      const signed = signLogoutCallback(
        {
          userHash: options.userHash,
          loggedOutAt: options.time ?? new Date(),
          parameter: options.param,
          legacyTime: options.legacyTime ?? false,
        },
        readPrivateKey(options.key),
      );
      process.stdout.write(`${options.url ? withQuery(options.url, signed.query) : signed.query}\n`);
    });
}
