import { hash, type KeyObject, verify as rsaVerify } from 'node:crypto';
import { decodeSignature } from './base64.js';
import { secondsOption } from './errors.js';
import { type PublicKeyInput, TrustedKeys } from './keys.js';
import { DEFAULT_MAX_AGE_SECONDS, DEFAULT_MAX_FUTURE_SKEW_SECONDS } from './limits.js';
import { interpretPayload, type TimeField } from './payload.js';
import {
  type CallbackInput,
  type CallbackParts,
  extractCallbackParts,
  type JsonParameterName,
} from './query.js';
import { type Rejection, reject } from './reasons.js';
import { type Clock, readClock } from './time.js';

export type { Clock } from './time.js';

export interface VerifyOptions {
  /** One or many trusted platform public keys; any of them may verify (key rotation). */
  readonly keys: PublicKeyInput | readonly PublicKeyInput[] | TrustedKeys;
  /** The receiver's clock; defaults to the system clock. */
  readonly now?: Clock;
  /** Seconds after which a callback is expired: fresh iff now − time < maxAge. Default 300. */
  readonly maxAge?: number;
  /** Seconds a callback may be dated ahead of the receiver's clock. Default 60. */
  readonly maxFutureSkew?: number;
}

export interface VerifiedLogout {
  readonly ok: true;
  /** The per-service hashed user identifier, as the service got it at sign-in. */
  readonly userHash: string;
  /** When the user pressed Clear (whole seconds, UTC). */
  readonly loggedOutAt: Date;
  readonly parameter: JsonParameterName;
  readonly timeField: TimeField;
  /** The signed JSON text, exactly as received. */
  readonly json: string;
  /** Hex SHA-256 of the decoded signature bytes: the same callback delivered twice has the same digest. */
  readonly signatureDigest: string;
}

export type VerifyResult = VerifiedLogout | Rejection;

export interface LogoutVerifier {
  verify(input: CallbackInput, overrides?: { now?: Clock }): VerifyResult;
  /** The same rules, with the RSA operation on libuv's thread pool so the event loop stays free. */
  verifyAsync(input: CallbackInput, overrides?: { now?: Clock }): Promise<VerifyResult>;
  readonly trustedKeys: TrustedKeys;
}

interface SignedCallback {
  readonly parts: CallbackParts;
  readonly data: Buffer;
  readonly signature: Buffer;
}

/** Everything that can be decided before cryptography: parameters, sizes, Base64. */
function prepare(input: CallbackInput): SignedCallback | Rejection {
  const parts = extractCallbackParts(input);
  if ('ok' in parts) return parts;
  const signature = decodeSignature(parts.signature);
  if (!signature) return reject('malformed_signature', 'The "signature" parameter is not Base64.');
  return { parts, data: Buffer.from(parts.json, 'utf8'), signature };
}

const BAD_SIGNATURE = reject(
  'bad_signature',
  'No trusted key verifies the signature (RSA PKCS#1 v1.5, SHA-256).',
);

interface TrustedKey {
  readonly key: KeyObject;
  /** An RSA signature is exactly as long as the modulus; any other length cannot verify. */
  readonly signatureBytes: number;
}

const modulusBytes = new WeakMap<KeyObject, number>();

/** Read once per key: asymmetricKeyDetails builds a new object on every access. */
function signatureBytesOf(key: KeyObject): number {
  let bytes = modulusBytes.get(key);
  if (bytes === undefined) {
    bytes = (key.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
    modulusBytes.set(key, bytes);
  }
  return bytes;
}

/**
 * Builds a verifier once (keys parsed and checked here, so configuration errors throw now) and
 * verifies many callbacks with it. Verification never throws on bad input: it returns a Rejection.
 */
export function createLogoutVerifier(options: VerifyOptions): LogoutVerifier {
  const trustedKeys = TrustedKeys.from(options.keys);
  const keys: TrustedKey[] = trustedKeys.keys.map((key) => ({ key, signatureBytes: signatureBytesOf(key) }));
  const maxAgeMs = secondsOption('maxAge', options.maxAge, DEFAULT_MAX_AGE_SECONDS, { allowZero: true });
  const maxSkewMs = secondsOption('maxFutureSkew', options.maxFutureSkew, DEFAULT_MAX_FUTURE_SKEW_SECONDS, {
    allowZero: true,
  });

  function conclude(signed: SignedCallback, clock: Clock | undefined): VerifyResult {
    const payload = interpretPayload(signed.parts.json);
    if (typeof payload === 'string') return reject('malformed_payload', payload);
    const now = readClock(clock);
    const age = now - payload.loggedOutAt.getTime();
    if (age >= maxAgeMs) {
      return reject(
        'expired',
        `The callback is ${Math.floor(age / 1000)} s old; the limit is ${maxAgeMs / 1000} s.`,
      );
    }
    if (-age > maxSkewMs) {
      return reject(
        'from_future',
        `The callback is dated ${Math.ceil(-age / 1000)} s ahead of this clock; at most ${maxSkewMs / 1000} s are tolerated.`,
      );
    }
    return {
      ok: true,
      userHash: payload.userHash,
      loggedOutAt: payload.loggedOutAt,
      parameter: signed.parts.parameter,
      timeField: payload.timeField,
      json: signed.parts.json,
      signatureDigest: hash('sha256', signed.signature, 'hex'),
    };
  }

  function verify(input: CallbackInput, overrides?: { now?: Clock }): VerifyResult {
    const signed = prepare(input);
    if ('ok' in signed) return signed;
    for (const { key, signatureBytes } of keys) {
      if (
        signed.signature.length === signatureBytes &&
        rsaVerify('sha256', signed.data, key, signed.signature)
      ) {
        return conclude(signed, overrides?.now ?? options.now);
      }
    }
    return BAD_SIGNATURE;
  }

  async function verifyAsync(input: CallbackInput, overrides?: { now?: Clock }): Promise<VerifyResult> {
    const signed = prepare(input);
    if ('ok' in signed) return signed;
    for (const { key, signatureBytes } of keys) {
      if (signed.signature.length !== signatureBytes) continue;
      const valid = await new Promise<boolean>((resolve) =>
        rsaVerify('sha256', signed.data, key, signed.signature, (error, ok) => resolve(!error && ok)),
      );
      if (valid) return conclude(signed, overrides?.now ?? options.now);
    }
    return BAD_SIGNATURE;
  }

  return { verify, verifyAsync, trustedKeys };
}

/**
 * Verifies one logout callback. Never throws on bad input; throws LogoutCallbackConfigError on bad
 * options. Keys are parsed once and remembered; for a stream of callbacks createLogoutVerifier
 * also skips re-reading the options.
 */
export function verifyLogoutCallback(input: CallbackInput, options: VerifyOptions): VerifyResult {
  return createLogoutVerifier(options).verify(input);
}
