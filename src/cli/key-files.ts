import type { JsonWebKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LogoutCallbackConfigError } from '../protocol/errors.js';
import { loadPrivateKey, loadPublicKey } from '../protocol/keys.js';
import { UsageError } from './usage.js';

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read key file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** PEM text, or JSON: one JWK or a JWK Set ({"keys": [...]}). */
function keyInputsOf(text: string, path: string): Array<string | JsonWebKey> {
  if (!text.trimStart().startsWith('{')) return [text];
  try {
    const json = JSON.parse(text) as { keys?: JsonWebKey[] } & JsonWebKey;
    return Array.isArray(json.keys) ? json.keys : [json];
  } catch {
    throw new UsageError(`Key file ${path} starts like JSON but is not valid JSON.`);
  }
}

function withPath<T>(path: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof LogoutCallbackConfigError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}

/** Reads trusted public keys from PEM or JWK files; every problem is a UsageError naming the file. */
export function readPublicKeys(paths: readonly string[]): KeyObject[] {
  if (paths.length === 0) throw new UsageError('Give at least one trusted public key with --key FILE.');
  return paths.flatMap((path) =>
    keyInputsOf(readKeyFile(path), path).map((input) => withPath(path, () => loadPublicKey(input))),
  );
}

export function readPrivateKey(path: string): KeyObject {
  const inputs = keyInputsOf(readKeyFile(path), path);
  return withPath(path, () => loadPrivateKey(inputs[0]!));
}
