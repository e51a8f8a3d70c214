/**
 * Resolves with the first SIGINT or SIGTERM. With `ignoreRepeats` later ones are swallowed, so a
 * bounded shutdown (a sidecar finishing its in-flight requests) runs to its end; without it a second
 * signal ends the process at once, as a second Ctrl-C does in an interactive tool.
 */
export function shutdownSignal(options: { ignoreRepeats?: boolean } = {}): Promise<NodeJS.Signals> {
  const subscribe = options.ignoreRepeats ? process.on.bind(process) : process.once.bind(process);
  return new Promise((resolve) => {
    subscribe('SIGTERM', () => resolve('SIGTERM'));
    subscribe('SIGINT', () => resolve('SIGINT'));
  });
}
