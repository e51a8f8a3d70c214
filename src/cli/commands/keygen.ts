import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseChoice } from '../usage.js';

export interface GeneratedKeyFiles {
  privatePath: string;
  publicPath: string;
}

/** Writes private.pem (PKCS#8, mode 0600) and public.pem (SPKI) into dir. */
export function generateKeyFiles(dir: string, bits = 2048): GeneratedKeyFiles {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  mkdirSync(dir, { recursive: true });
  const privatePath = join(dir, 'private.pem');
  const publicPath = join(dir, 'public.pem');
  writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
    flag: 'wx',
  });
  writeFileSync(publicPath, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx' });
  return { privatePath, publicPath };
}

export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description('generate an RSA key pair for signing logout callbacks')
    .requiredOption('--out <dir>', 'directory for private.pem (PKCS#8, mode 0600) and public.pem (SPKI)')
    .option(
      '--bits <n>',
      'modulus size: 2048, 3072 or 4096',
      parseChoice(['2048', '3072', '4096'] as const),
      '2048',
    )
    .action((options: { out: string; bits: string }) => {
      const files = generateKeyFiles(options.out, Number(options.bits));
      process.stdout.write(`${files.privatePath}\n${files.publicPath}\n`);
    });
}
