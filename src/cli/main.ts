#!/usr/bin/env node
import { CommanderError } from 'commander';
import { buildProgram } from './program.js';
import { asUsageError, EXIT_USAGE, UsageError } from './usage.js';

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (caught) {
    const error = asUsageError(caught);
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code === 'EEXIST') {
      process.stderr.write(`logout-callback: ${(error as Error).message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    throw error;
  }
}

await main(process.argv);
