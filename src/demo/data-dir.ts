import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyFiles } from '../cli/commands/keygen.js';

/** What one example service keeps in the data directory. */
export interface ServiceData {
  /** `sqlite:PATH`: the service's own cutoff store. */
  readonly cutoffStore: string;
  /** Signs the service's cookies; made on first run, never printed. */
  readonly cookieSecret: string;
}

/** The demo's data directory: made on first run, reused after. */
export interface DemoData {
  readonly platformDatabase: string;
  readonly privateKeyPath: string;
  /** The platform's public key, which both services trust. */
  readonly publicKeyPem: string;
  readonly serviceA: ServiceData;
  readonly serviceB: ServiceData;
}

/** The file's content, or a new random secret written to it (mode 0600) on first use. */
function readOrCreateSecret(path: string): string {
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(path, 'utf8').trim();
}

function serviceData(dir: string): ServiceData {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    cutoffStore: `sqlite:${join(dir, 'cutoffs.db')}`,
    cookieSecret: readOrCreateSecret(join(dir, 'cookie-secret')),
  };
}

/**
 * Lays out the data directory: platform/keys/{private,public}.pem, platform/platform.sqlite,
 * service-a/ and service-b/ (cutoffs.db, cookie-secret).
 */
export function prepareDemoData(dir: string): DemoData {
  const keyDir = join(dir, 'platform', 'keys');
  const privateKeyPath = join(keyDir, 'private.pem');
  const publicKeyPath = join(keyDir, 'public.pem');
  if (!existsSync(privateKeyPath)) generateKeyFiles(keyDir);
  return {
    platformDatabase: join(dir, 'platform', 'platform.sqlite'),
    privateKeyPath,
    publicKeyPem: readFileSync(publicKeyPath, 'utf8'),
    serviceA: serviceData(join(dir, 'service-a')),
    serviceB: serviceData(join(dir, 'service-b')),
  };
}
