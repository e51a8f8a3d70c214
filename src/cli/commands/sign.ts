import type { Command } from 'commander';
import type { JsonParameterName } from '../../protocol/query.js';
import { type SignedLogoutCallback, signLogoutCallback } from '../../protocol/sign.js';
import { readPrivateKey } from '../key-files.js';
import { parseChoice, parseIsoTime, UsageError } from '../usage.js';

/** The options of every command that signs a callback (sign, send). */
export interface CallbackSigningOptions {
  key: string;
  userHash: string;
  time?: Date;
  param: JsonParameterName;
  legacyTime?: boolean;
}

interface SignOptions extends CallbackSigningOptions {
  url?: string;
}

export function addSigningOptions(command: Command): Command {
  return command
    .requiredOption('--key <file>', 'the private key (PEM or JWK)')
    .requiredOption('--user-hash <hash>', 'the user_hash to log out')
    .option('--time <iso>', 'time of the logout (default: now)', parseIsoTime)
    .option(
      '--param <name>',
      'JSON parameter name: clear or deorbit',
      parseChoice(['clear', 'deorbit'] as const),
      'clear',
    )
    .option('--legacy-time', 'send launchkey_time (YYYY-MM-DD HH:MM:SS) instead of api_time');
}

/** Signs the callback the options describe, dated now unless --time says otherwise. */
export function signFromOptions(
  options: CallbackSigningOptions,
): SignedLogoutCallback & { loggedOutAt: Date } {
  const loggedOutAt = options.time ?? new Date();
  const signed = signLogoutCallback(
    {
      userHash: options.userHash,
      loggedOutAt,
      parameter: options.param,
      legacyTime: options.legacyTime ?? false,
    },
    readPrivateKey(options.key),
  );
  return { ...signed, loggedOutAt };
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
  addSigningOptions(
    program
      .command('sign')
      .description('sign a logout callback and print its query string (or the whole callback URL)'),
  )
    .option('--url <url>', 'print the whole callback URL instead of the query string')
    .action((options: SignOptions) => {
      const signed = signFromOptions(options);
      process.stdout.write(`${options.url ? withQuery(options.url, signed.query) : signed.query}\n`);
    });
}
