import type { CutoffStore } from '../cutoffs/store.js';
import { parseApiTime } from '../protocol/time.js';
import { jsonAnswer, refusal } from './answers.js';

const MAX_USER_HASH_CHARS = 512;

type Checked = { userHash: string; startedAt: Date } | Response;

function single(params: URLSearchParams, name: string): string | Response {
  const values = params.getAll(name);
  if (values.length === 0) return refusal(400, 'missing_parameter', `The "${name}" parameter is required.`);
  if (values.length > 1)
    return refusal(400, 'duplicate_parameter', `The "${name}" parameter appears more than once.`);
  return values[0]!;
}

function readParams(request: Request): Checked {
  const params = new URL(request.url).searchParams;
  const userHash = single(params, 'user_hash');
  if (typeof userHash !== 'string') return userHash;
  if (userHash === '' || userHash.length > MAX_USER_HASH_CHARS) {
    return refusal(400, 'invalid_parameter', `"user_hash" must be 1 to ${MAX_USER_HASH_CHARS} characters.`);
  }
  const startedAtText = single(params, 'started_at');
  if (typeof startedAtText !== 'string') return startedAtText;
  const startedAt = parseApiTime(startedAtText);
  if (!startedAt) {
    return refusal(
      400,
      'invalid_parameter',
      '"started_at" must be an ISO 8601 time with Z or an offset, e.g. 2026-01-02T03:04:05Z.',
    );
  }
  return { userHash, startedAt };
}

/**
 * `GET /v1/sessions/live?user_hash=H&started_at=ISO` → `{"live":…,"cutoff":"…Z"|null}`: the session
 * check for services that do not link the library. An in-process lookup, no store round trip.
 */
export function createSessionCheckHandler(store: Pick<CutoffStore, 'isSessionLive' | 'cutoffOf'>) {
  return async function checkSession(request: Request): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return refusal(405, 'method_not_allowed', 'Use GET.', { allow: 'GET, HEAD' });
    }
    const checked = readParams(request);
    if (checked instanceof Response) return checked;
    const live = store.isSessionLive(checked.userHash, checked.startedAt);
    const cutoff = store.cutoffOf(checked.userHash)?.toISOString() ?? null;
    return jsonAnswer(200, { live, cutoff });
  };
}
