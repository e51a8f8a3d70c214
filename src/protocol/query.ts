import { MAX_JSON_BYTES, MAX_QUERY_CHARS, MAX_SIGNATURE_CHARS } from './limits.js';
import { type Rejection, reject } from './reasons.js';

/** What a logout callback request can be given as. */
export type CallbackInput = URL | URLSearchParams | string;

export type JsonParameterName = 'clear' | 'deorbit';

/** The signed parts of a callback, form-decoded exactly as received and not yet trusted. */
export interface CallbackParts {
  readonly parameter: JsonParameterName;
  readonly json: string;
  readonly signature: string;
}

const ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** The raw query string of any accepted input, without the leading '?' and without a fragment. */
export function rawQueryOf(input: CallbackInput): string | URLSearchParams {
  if (input instanceof URLSearchParams) return input;
  if (input instanceof URL) return input.search.slice(1);
  if (ABSOLUTE_URL.test(input) || input.startsWith('/')) {
    const start = input.indexOf('?');
    if (start < 0) return '';
    const end = input.indexOf('#', start);
    return input.slice(start + 1, end < 0 ? undefined : end);
  }
  return input.startsWith('?') ? input.slice(1) : input;
}

const WANTED = new Set(['clear', 'deorbit', 'signature']);

/** application/x-www-form-urlencoded decoding, as URLSearchParams does it. */
function formDecode(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // Malformed escapes or invalid UTF-8: URLSearchParams keeps or replaces them; defer to it.
    return new URLSearchParams(`v=${text}`).get('v') ?? '';
  }
}

/**
 * The values of the three parameters the callback uses, in order of appearance. Equivalent to
 * URLSearchParams.getAll for these names, without materializing the parameters nobody reads.
 */
function callbackParams(query: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const name = formDecode(eq < 0 ? pair : pair.slice(0, eq));
    if (!WANTED.has(name)) continue;
    const value = eq < 0 ? '' : formDecode(pair.slice(eq + 1));
    const values = found.get(name);
    if (values) values.push(value);
    else found.set(name, [value]);
  }
  return found;
}

function paramsOf(raw: string | URLSearchParams): { getAll(name: string): string[] } {
  if (typeof raw !== 'string') return raw;
  const found = callbackParams(raw);
  return { getAll: (name) => found.get(name) ?? [] };
}

function utf8Length(text: string): number {
  return text.length * 3 <= MAX_JSON_BYTES ? text.length : Buffer.byteLength(text, 'utf8');
}

/**
 * Picks the JSON parameter and the signature out of a query, enforcing that each appears exactly
 * once, that only one of `clear` and `deorbit` is present, and the size caps. No cryptography here.
 */
export function extractCallbackParts(input: CallbackInput): CallbackParts | Rejection {
  const raw = rawQueryOf(input);
  if (typeof raw === 'string' && raw.length > MAX_QUERY_CHARS) {
    return reject('too_large', `The query string exceeds ${MAX_QUERY_CHARS} characters.`);
  }
  const params = paramsOf(raw);
  const clear = params.getAll('clear');
  const deorbit = params.getAll('deorbit');
  const signatures = params.getAll('signature');

  if (clear.length + deorbit.length > 1) {
    return reject(
      'duplicate_parameter',
      clear.length && deorbit.length
        ? 'The callback carries both "clear" and "deorbit"; exactly one is allowed.'
        : `The "${clear.length ? 'clear' : 'deorbit'}" parameter appears more than once.`,
    );
  }
  if (signatures.length > 1) {
    return reject('duplicate_parameter', 'The "signature" parameter appears more than once.');
  }
  const parameter: JsonParameterName = clear.length ? 'clear' : 'deorbit';
  const json = clear[0] ?? deorbit[0];
  const signature = signatures[0];
  if (json === undefined) {
    return reject('missing_parameter', 'The callback has no "clear" (or legacy "deorbit") parameter.');
  }
  if (signature === undefined)
    return reject('missing_parameter', 'The callback has no "signature" parameter.');
  if (utf8Length(json) > MAX_JSON_BYTES) {
    return reject('too_large', `The "${parameter}" parameter exceeds ${MAX_JSON_BYTES} bytes.`);
  }
  if (signature.length > MAX_SIGNATURE_CHARS) {
    return reject('too_large', `The "signature" parameter exceeds ${MAX_SIGNATURE_CHARS} characters.`);
  }
  return { parameter, json, signature };
}
