import { sign as rsaSign } from 'node:crypto';
import { encodeSignature } from './base64.js';
import { loadPrivateKey, type PrivateKeyInput } from './keys.js';
import type { JsonParameterName } from './query.js';
import { formatApiTime, formatLegacyTime } from './time.js';

export interface LogoutToSign {
  readonly userHash: string;
  /** When the user pressed Clear; sent in whole seconds. */
  readonly loggedOutAt: Date;
  /** The JSON parameter's name: `clear` (default) or the legacy `deorbit`. */
  readonly parameter?: JsonParameterName;
  /** Send the pre-2016 `launchkey_time` ("YYYY-MM-DD HH:MM:SS", UTC) instead of `api_time`. */
  readonly legacyTime?: boolean;
}

export interface SignedLogoutCallback {
  /** The JSON text that was signed. */
  readonly json: string;
  /** Standard Base64 of the RSA PKCS#1 v1.5 SHA-256 signature. */
  readonly signature: string;
  /** The form-encoded query string to append to the callback URL. */
  readonly query: string;
}

/** The platform's JSON layout, byte for byte: `{"api_time": "…", "user_hash": "…"}`. */
export function logoutJson(event: LogoutToSign): string {
  const time = event.legacyTime
    ? `"launchkey_time": ${JSON.stringify(formatLegacyTime(event.loggedOutAt))}`
    : `"api_time": ${JSON.stringify(formatApiTime(event.loggedOutAt))}`;
  return `{${time}, "user_hash": ${JSON.stringify(event.userHash)}}`;
}

/** Signs a logout callback as the platform does. Throws LogoutCallbackConfigError for an unusable key. */
export function signLogoutCallback(event: LogoutToSign, privateKey: PrivateKeyInput): SignedLogoutCallback {
  if (typeof event.userHash !== 'string' || event.userHash.length === 0) {
    throw new TypeError('userHash must be a non-empty string.');
  }
  if (!(event.loggedOutAt instanceof Date) || Number.isNaN(event.loggedOutAt.getTime())) {
    throw new TypeError('loggedOutAt must be a valid Date.');
  }
  const key = loadPrivateKey(privateKey);
  const json = logoutJson(event);
  const signature = encodeSignature(rsaSign('sha256', Buffer.from(json, 'utf8'), key));
  const query = new URLSearchParams([
    [event.parameter ?? 'clear', json],
    ['signature', signature],
  ]).toString();
  return { json, signature, query };
}
