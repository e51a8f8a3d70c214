import { createHmac, randomBytes } from 'node:crypto';
import { LogoutCallbackConfigError } from '../protocol/errors.js';

/** Bytes of a fresh platform HMAC secret. */
export const USER_HASH_SECRET_BYTES = 32;

export function generateUserHashSecret(): Buffer {
  return randomBytes(USER_HASH_SECRET_BYTES);
}

/**
 * The per-service `user_hash`: HMAC-SHA-256 under the platform secret over the service id and the
 * user id, unpadded standard Base64 (43 characters). Stable for one user and service, unrelated
 * across services, and revealing nothing about the user without the secret.
 */
export function userHashFor(secret: Uint8Array, serviceId: string, userId: string): string {
  if (secret.byteLength < 16) {
    throw new LogoutCallbackConfigError('invalid_option', 'The user_hash secret needs at least 16 bytes.');
  }
  // JSON keeps the two ids apart: ("ab","c") and ("a","bc") are different messages.
  const message = JSON.stringify([serviceId, userId]);
  return createHmac('sha256', secret).update(message, 'utf8').digest('base64').replace(/=+$/, '');
}
