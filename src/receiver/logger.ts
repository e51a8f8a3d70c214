/**
 * The logging surface the receiver needs. A pino logger fits it as is; the core imports no logger,
 * so an application hands in its own (or none).
 */
export interface ReceiverLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

function line(level: string, details: object, message: string): void {
  process.stderr.write(`${JSON.stringify({ level, msg: message, ...details })}\n`);
}

/** Without a logger, failures (a store down, a throwing hook) still reach stderr; routine events stay quiet. */
export const stderrFailureLogger: ReceiverLogger = {
  info: () => {},
  warn: () => {},
  error: (details, message) => line('error', details, message),
};

/** What may be logged about a caught error: its class and message, never a stack or a cause chain. */
export function describeError(error: unknown): { error: string } {
  if (error instanceof Error) return { error: `${error.name}: ${error.message}` };
  return { error: String(error) };
}
