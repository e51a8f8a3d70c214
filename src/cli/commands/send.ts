import type { Command } from 'commander';
import {
  type AttemptResult,
  type CallbackMethod,
  callbackTarget,
  deliverWithRetries,
} from '../../platform/delivery.js';
import { DEFAULT_FRESHNESS_WINDOW_SECONDS } from '../../platform/dispatcher.js';
import { retryPolicyOf } from '../../platform/retry-policy.js';
import { EXIT_OK, EXIT_REJECTED, parseChoice, parseInteger, UsageError } from '../usage.js';
import { addSigningOptions, type CallbackSigningOptions, signFromOptions } from './sign.js';

interface SendOptions extends CallbackSigningOptions {
  retries: number;
  method: CallbackMethod;
  timeout: number;
  retryBase: number;
}

function attemptLine(result: AttemptResult, attempt: number): string {
  const outcome = result.status === undefined ? result.error : `HTTP ${result.status}`;
  return `attempt ${attempt}: ${outcome} (${result.verdict})\n`;
}

export function registerSend(program: Command): void {
  addSigningOptions(
    program
      .command('send')
      .description('sign a logout callback and deliver it, retrying as the platform does; exit 0 on a 2xx'),
  )
    .argument('<url>', "the service's callback URL")
    .option('--retries <n>', 'retries after the first attempt', parseInteger(0, 20), 3)
    .option('--method <method>', 'POST or GET', parseChoice(['POST', 'GET'] as const), 'POST')
    .option('--timeout <ms>', 'per-request timeout in ms', parseInteger(1, 600_000), 10_000)
    .option(
      '--retry-base <ms>',
      'backoff ceiling of the first retry in ms (doubles each time)',
      parseInteger(0, 600_000),
      500,
    )
    .action(async (url: string, options: SendOptions) => {
      try {
        callbackTarget(url, '');
      } catch {
        throw new UsageError(`Not an absolute URL: ${url}`);
      }
      const signed = signFromOptions(options);
      const policy = retryPolicyOf({
        maxAttempts: options.retries + 1,
        timeoutMs: options.timeout,
        baseDelayMs: options.retryBase,
      });
      const report = await deliverWithRetries(
        { callbackUrl: url, query: signed.query, method: options.method },
        policy,
        {
          deadline:
            Math.floor(signed.loggedOutAt.getTime() / 1000) * 1000 + DEFAULT_FRESHNESS_WINDOW_SECONDS * 1000,
          onAttempt: (result, attempt) => process.stderr.write(attemptLine(result, attempt)),
        },
      );
      const { last } = report;
      process.stdout.write(
        `${JSON.stringify({
          delivered: report.delivered,
          attempts: report.attempts,
          ...(last.status === undefined ? {} : { status: last.status }),
          ...(last.error === undefined ? {} : { error: last.error }),
          ...(last.body === undefined ? {} : { body: last.body }),
        })}\n`,
      );
      process.exitCode = report.delivered ? EXIT_OK : EXIT_REJECTED;
    });
}
