import { generateKeyPairSync, type KeyObject } from 'node:crypto';

const cache = new Map<number, { privateKey: KeyObject; publicKey: KeyObject }>();

/** An RSA key pair of the given size, generated once per test process. */
export function rsaKeyPair(bits = 2048): { privateKey: KeyObject; publicKey: KeyObject } {
  let pair = cache.get(bits);
  if (!pair) {
    pair = generateKeyPairSync('rsa', { modulusLength: bits });
    cache.set(bits, pair);
  }
  return pair;
}
