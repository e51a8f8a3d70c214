import { createPrivateKey, createPublicKey, type JsonWebKey, KeyObject, X509Certificate } from 'node:crypto';
import { LogoutCallbackConfigError } from './errors.js';
import { MIN_RSA_BITS } from './limits.js';

/** A public key as users hold it: PEM text (SPKI, PKCS#1 or a certificate), DER bytes, an RSA JWK, or a KeyObject. */
export type PublicKeyInput = string | Uint8Array | JsonWebKey | KeyObject;
/** A private key: PEM text (PKCS#8 or PKCS#1), DER bytes, an RSA JWK with private members, or a KeyObject. */
export type PrivateKeyInput = string | Uint8Array | JsonWebKey | KeyObject;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

interface PemBlock {
  label: string;
  der: Buffer;
}

/**
 * Reads PEM armour the way deployed platforms hand it out: blank lines or stray whitespace inside
 * the armour (the ping endpoint served its key that way) are ignored, since Node rejects them.
 */
function readPem(text: string): PemBlock | undefined {
  const m = PEM_BLOCK.exec(text);
  if (!m) return undefined;
  const body = m[2]!.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return undefined;
  return { label: m[1]!, der: Buffer.from(body, 'base64') };
}

function firstThatParses<T>(attempts: Array<() => T>): T | undefined {
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

/** DER that claims to be one public-key format may hold the other: try both, the label's first. */
function publicKeyFromDer(der: Buffer, label = 'PUBLIC KEY'): KeyObject | undefined {
  if (label === 'CERTIFICATE') return firstThatParses([() => new X509Certificate(der).publicKey]);
  const spki = () => createPublicKey({ key: der, format: 'der', type: 'spki' });
  const pkcs1 = () => createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  const fromPrivate = () => createPublicKey(privateKeyFromDer(der)!);
  const order = label === 'RSA PUBLIC KEY' ? [pkcs1, spki] : [spki, pkcs1];
  return firstThatParses(label.includes('PRIVATE') ? [fromPrivate] : order);
}

function privateKeyFromDer(der: Buffer, label = 'PRIVATE KEY'): KeyObject | undefined {
  const pkcs8 = () => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const pkcs1 = () => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  return firstThatParses(label === 'RSA PRIVATE KEY' ? [pkcs1, pkcs8] : [pkcs8, pkcs1]);
}

function unreadable(what: string): LogoutCallbackConfigError {
  return new LogoutCallbackConfigError(
    'key_unreadable',
    `Could not read the ${what}: expected PEM (BEGIN PUBLIC KEY / RSA PUBLIC KEY), DER, an RSA JWK or a KeyObject.`,
  );
}

function assertStrongRsa(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new LogoutCallbackConfigError(
      'key_not_rsa',
      `The ${what} is ${key.asymmetricKeyType ?? 'not asymmetric'}; logout callbacks are signed with RSA.`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new LogoutCallbackConfigError(
      'key_too_small',
      `The ${what} has ${bits} bits; at least ${MIN_RSA_BITS} are required.`,
    );
  }
  return key;
}

function isJwk(input: unknown): input is JsonWebKey {
  return typeof input === 'object' && input !== null && 'kty' in input;
}

function textOrBytes(input: string | Uint8Array): { pem?: PemBlock; der?: Buffer } {
  if (typeof input === 'string') return { pem: readPem(input) };
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const pem = readPem(bytes.toString('latin1'));
  return pem ? { pem } : { der: bytes };
}

/** Parses and checks one trusted public key (RSA, at least 2048 bits). Throws LogoutCallbackConfigError. */
export function loadPublicKey(input: PublicKeyInput): KeyObject {
  let key: KeyObject | undefined;
  if (input instanceof KeyObject) {
    key = input.type === 'public' ? input : input.type === 'private' ? createPublicKey(input) : undefined;
  } else if (isJwk(input)) {
    key = firstThatParses([() => createPublicKey({ key: input, format: 'jwk' })]);
  } else if (typeof input === 'string' || input instanceof Uint8Array) {
    const { pem, der } = textOrBytes(input);
    key = pem ? publicKeyFromDer(pem.der, pem.label) : der ? publicKeyFromDer(der) : undefined;
  }
  if (!key) throw unreadable('public key');
  return assertStrongRsa(key, 'public key');
}

/** Parses and checks the signing key (RSA, at least 2048 bits). Throws LogoutCallbackConfigError. */
export function loadPrivateKey(input: PrivateKeyInput): KeyObject {
  let key: KeyObject | undefined;
  if (input instanceof KeyObject) {
    key = input.type === 'private' ? input : undefined;
  } else if (isJwk(input)) {
    key = firstThatParses([() => createPrivateKey({ key: input, format: 'jwk' })]);
  } else if (typeof input === 'string' || input instanceof Uint8Array) {
    const { pem, der } = textOrBytes(input);
    key = pem ? privateKeyFromDer(pem.der, pem.label) : der ? privateKeyFromDer(der) : undefined;
  }
  if (!key) {
    throw new LogoutCallbackConfigError(
      'key_not_private',
      'Could not read the private key: expected PEM (BEGIN PRIVATE KEY / RSA PRIVATE KEY), DER, an RSA JWK with private members or a private KeyObject.',
    );
  }
  return assertStrongRsa(key, 'private key');
}

const parsedTexts = new Map<string, KeyObject>();
const parsedObjects = new WeakMap<object, KeyObject>();
const MAX_CACHED_TEXTS = 64;

/** loadPublicKey, remembered: the same PEM text or object is parsed and checked only once. */
function loadPublicKeyOnce(input: PublicKeyInput): KeyObject {
  const cached = typeof input === 'string' ? parsedTexts.get(input) : parsedObjects.get(input);
  if (cached) return cached;
  const key = loadPublicKey(input);
  if (typeof input !== 'string') parsedObjects.set(input, key);
  else if (parsedTexts.size < MAX_CACHED_TEXTS) parsedTexts.set(input, key);
  return key;
}

/** A parsed, checked, immutable set of trusted keys. Build it once; verify with it many times. */
export class TrustedKeys {
  readonly keys: readonly KeyObject[];

  constructor(inputs: PublicKeyInput | readonly PublicKeyInput[]) {
    const list = Array.isArray(inputs) ? inputs : [inputs as PublicKeyInput];
    if (list.length === 0) {
      throw new LogoutCallbackConfigError('key_missing', 'At least one trusted public key is required.');
    }
    this.keys = Object.freeze(list.map(loadPublicKeyOnce));
  }

  static from(inputs: PublicKeyInput | readonly PublicKeyInput[] | TrustedKeys): TrustedKeys {
    return inputs instanceof TrustedKeys ? inputs : new TrustedKeys(inputs);
  }
}

/** The SPKI PEM of a key, as receivers are given it. */
export function exportPublicPem(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
