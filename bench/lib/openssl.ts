import { execFileSync } from 'node:child_process';

export interface OpensslRsaRates {
  signPerSecond: number;
  verifyPerSecond: number;
}

/**
 * Runs `openssl speed -seconds N rsa<bits>` (one core unless multi > 1) and reads its summary line:
 * `rsa 2048 bits 0.000293s 0.000016s   3411.4  62338.9`.
 */
export function opensslRsaSpeed(seconds: number, bits = 2048, multi = 1): OpensslRsaRates {
  const args = [
    'speed',
    '-seconds',
    String(seconds),
    ...(multi > 1 ? ['-multi', String(multi)] : []),
    `rsa${bits}`,
  ];
  const output = execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const line = output.split('\n').find((l) => new RegExp(`^rsa\\s+${bits} bits`).test(l));
  const fields = line?.trim().split(/\s+/) ?? [];
  const sign = Number(fields.at(-2));
  const verify = Number(fields.at(-1));
  if (!Number.isFinite(sign) || !Number.isFinite(verify))
    throw new Error(`Unexpected openssl speed output:\n${output}`);
  return { signPerSecond: sign, verifyPerSecond: verify };
}
