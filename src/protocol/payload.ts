import { parseApiTime, parseLegacyTime } from './time.js';

export type TimeField = 'api_time' | 'launchkey_time';

export interface LogoutPayload {
  readonly userHash: string;
  readonly loggedOutAt: Date;
  readonly timeField: TimeField;
}

/** Why a validly signed JSON text is still not a logout; undefined fields mean it is. */
export type PayloadProblem = string;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Interprets the JSON text. Call only after its signature has been verified. */
export function interpretPayload(json: string): LogoutPayload | PayloadProblem {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return 'The signed JSON parameter is not valid JSON.';
  }
  if (!isPlainObject(data)) return 'The signed JSON parameter is not a JSON object.';
  const userHash = data.user_hash;
  if (typeof userHash !== 'string' || userHash.length === 0) {
    return 'The signed payload has no non-empty string "user_hash".';
  }
  const hasApi = data.api_time !== undefined;
  const hasLegacy = data.launchkey_time !== undefined;
  if (hasApi === hasLegacy) {
    return 'The signed payload must carry exactly one of "api_time" and "launchkey_time".';
  }
  const timeField: TimeField = hasApi ? 'api_time' : 'launchkey_time';
  const text = data[timeField];
  const loggedOutAt =
    typeof text !== 'string' ? undefined : hasApi ? parseApiTime(text) : parseLegacyTime(text);
  if (!loggedOutAt) {
    return hasApi
      ? 'The signed "api_time" is not an ISO 8601 time with Z or an offset, or names no real date.'
      : 'The signed "launchkey_time" is not "YYYY-MM-DD HH:MM:SS" or names no real date.';
  }
  return { userHash, loggedOutAt, timeField };
}
