import { InvalidArgumentError } from 'commander';
import { LogoutCallbackConfigError } from '../protocol/errors.js';
import { parseApiTime } from '../protocol/time.js';

/** A mistake in how the command was called: exit 2, message on stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_REJECTED = 1;
export const EXIT_USAGE = 2;

/** Commander option parsers: they turn bad values into usage errors that say what to do. */
export function parseIsoTime(value: string): Date {
  const date = parseApiTime(value);
  if (!date)
    throw new InvalidArgumentError(
      'expected an ISO 8601 time with Z or an offset, e.g. 2026-01-02T03:04:05Z',
    );
  return date;
}

export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !Number.isFinite(n)) {
    throw new InvalidArgumentError('expected a non-negative number of seconds');
  }
  return n;
}

export function parseInteger(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

export function parseChoice<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of: ${choices.join(', ')}`);
    }
    return value as T;
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Configuration errors of the library become usage errors of the CLI. */
export function asUsageError(error: unknown): unknown {
  if (error instanceof LogoutCallbackConfigError) return new UsageError(error.message);
  return error;
}
