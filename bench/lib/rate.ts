/** Calls fn in a tight loop for about `seconds` (after a short warm-up) and returns calls per second. */
export function measureRate(fn: () => unknown, seconds: number): number {
  for (let i = 0; i < 500; i++) fn();
  const start = performance.now();
  const until = start + seconds * 1000;
  let calls = 0;
  let now = start;
  while (now < until) {
    for (let i = 0; i < 100; i++) fn();
    calls += 100;
    now = performance.now();
  }
  return calls / ((now - start) / 1000);
}

/** Keeps `concurrency` promises in flight for about `seconds`; returns completions per second. */
export async function measureAsyncRate(
  fn: () => Promise<unknown>,
  seconds: number,
  concurrency: number,
): Promise<number> {
  const start = performance.now();
  const until = start + seconds * 1000;
  let calls = 0;
  async function lane(): Promise<void> {
    while (performance.now() < until) {
      await fn();
      calls++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return calls / ((performance.now() - start) / 1000);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function formatRate(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Prints rows as an aligned text table. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
