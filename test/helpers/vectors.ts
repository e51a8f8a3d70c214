import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ValidVector {
  name: string;
  query: string;
  now: string;
  expect: { userHash: string; loggedOutAt: string };
}
export interface InvalidVector {
  name: string;
  query: string;
  now: string;
  reason: string;
}
export interface Vectors {
  keys: { private_pkcs1_pem: string; public_spki_pem: string };
  valid: ValidVector[];
  invalid: InvalidVector[];
}

const here = dirname(fileURLToPath(import.meta.url));
/** The shared protocol vectors live beside the repository, in ../shared/protocol. */
export const vectorsPath = join(here, '..', '..', '..', 'shared', 'protocol', 'vectors.json');
export const vectors: Vectors = JSON.parse(readFileSync(vectorsPath, 'utf8'));
