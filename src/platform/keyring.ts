import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { LogoutCallbackConfigError } from '../protocol/errors.js';
import { exportPublicPem, loadPrivateKey, type PrivateKeyInput } from '../protocol/keys.js';

/** A signing key as receivers see it: its id, its public key and whether new callbacks use it. */
export interface PublishedKey {
  readonly kid: string;
  readonly pem: string;
  readonly active: boolean;
}

interface RingEntry {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** A key id receivers can compare: base64url SHA-256 of the public key's SPKI DER, first 16 characters. */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url').slice(0, 16);
}

/**
 * The platform's signing keys. New callbacks are signed with the active key; every key in the ring
 * is published so receivers trust it. Rotation: add the next key (published, not yet active) well
 * before activating it, and keep a retired key published for at least the receivers' freshness
 * window, since callbacks already signed with it are still being retried.
 */
export class KeyRing {
  readonly #entries = new Map<string, RingEntry>();
  #activeKid: string;

  constructor(activeKey: PrivateKeyInput, otherKeys: readonly PrivateKeyInput[] = []) {
    this.#activeKid = this.add(activeKey);
    for (const key of otherKeys) this.add(key);
  }

  /** Adds a key (published, not active) and returns its kid. */
  add(input: PrivateKeyInput): string {
    const privateKey = loadPrivateKey(input);
    const kid = keyIdOf(privateKey);
    if (!this.#entries.has(kid))
      this.#entries.set(kid, { kid, privateKey, publicKey: createPublicKey(privateKey) });
    return kid;
  }

  /** Makes a published key the one that signs new callbacks. */
  activate(kid: string): void {
    if (!this.#entries.has(kid))
      throw new LogoutCallbackConfigError('invalid_option', `No key ${kid} in the ring.`);
    this.#activeKid = kid;
  }

  /** Stops publishing a key. The active key cannot be retired. */
  retire(kid: string): void {
    if (kid === this.#activeKid) {
      throw new LogoutCallbackConfigError(
        'invalid_option',
        'The active key cannot be retired; activate another first.',
      );
    }
    this.#entries.delete(kid);
  }

  get activeKid(): string {
    return this.#activeKid;
  }

  get signingKey(): KeyObject {
    return this.#entries.get(this.#activeKid)!.privateKey;
  }

  published(): PublishedKey[] {
    return [...this.#entries.values()].map((entry) => ({
      kid: entry.kid,
      pem: exportPublicPem(entry.publicKey),
      active: entry.kid === this.#activeKid,
    }));
  }

  /** The published keys as a JWK Set (RS256, use sig), for receivers that read JWKS. */
  jwks(): { keys: Array<Record<string, unknown>> } {
    return {
      keys: [...this.#entries.values()].map((entry) => ({
        ...(entry.publicKey.export({ format: 'jwk' }) as Record<string, unknown>),
        kid: entry.kid,
        alg: 'RS256',
        use: 'sig',
      })),
    };
  }
}
