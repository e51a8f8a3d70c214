import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttemptVerdict,
  classifyStatus,
  parseRetryAfter,
  type RetryPolicy,
  retryDelay,
} from './retry-policy.js';

export type CallbackMethod = 'POST' | 'GET';

/** One signed callback on the wire: the callback URL plus the signed query, sent with an empty body. */
export interface CallbackRequest {
  readonly callbackUrl: string;
  /** The signed, form-encoded query, exactly as signed: resent byte for byte on every attempt. */
  readonly query: string;
  readonly method: CallbackMethod;
}

export interface AttemptResult {
  readonly verdict: AttemptVerdict;
  /** The HTTP status, when the receiver answered. */
  readonly status?: number;
  /** The first bytes of the answer's body, for people reading logs. */
  readonly body?: string;
  /** A network error or timeout, when the receiver did not answer. */
  readonly error?: string;
  /** The receiver's Retry-After, in ms. */
  readonly retryAfterMs?: number;
}

const MAX_BODY_CHARS = 2048;

/** The callback URL with the signed query appended (after any query the URL already has). */
export function callbackTarget(callbackUrl: string, query: string): URL {
  const url = new URL(callbackUrl);
  url.search = url.search.length > 1 ? `${url.search.slice(1)}&${query}` : query;
  return url;
}

/** Reusable connections for every attempt of one outbox or command. */
export interface DeliveryAgents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
  destroy(): void;
}

export function createDeliveryAgents(): DeliveryAgents {
  const http = new HttpAgent({ keepAlive: true });
  const https = new HttpsAgent({ keepAlive: true });
  return {
    http,
    https,
    destroy() {
      http.destroy();
      https.destroy();
    },
  };
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      if (body.length < MAX_BODY_CHARS) body += chunk;
    });
    response.on('end', () => resolve(body.slice(0, MAX_BODY_CHARS)));
    response.on('error', reject);
  });
}

function describeError(error: unknown, timeoutMs: number): string {
  const e = error as NodeJS.ErrnoException;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `timeout after ${timeoutMs} ms`;
  return e.code ? `${e.code}: ${e.message}` : String(e.message ?? error);
}

/** Sends the callback once. Never throws: every outcome is an AttemptResult. */
export function attemptDelivery(
  callback: CallbackRequest,
  options: { timeoutMs: number; agents?: DeliveryAgents; signal?: AbortSignal },
): Promise<AttemptResult> {
  let target: URL;
  try {
    target = callbackTarget(callback.callbackUrl, callback.query);
  } catch {
    return Promise.resolve({ verdict: 'permanent', error: `not an absolute URL: ${callback.callbackUrl}` });
  }
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') {
    return Promise.resolve({ verdict: 'permanent', error: `unsupported protocol ${target.protocol}` });
  }
  return new Promise((resolve) => {
    const send = secure ? httpsRequest : httpRequest;
    const request = send(target, {
      method: callback.method,
      headers: { 'content-length': '0', 'user-agent': 'logout-callback-platform' },
      agent: secure ? options.agents?.https : options.agents?.http,
      signal: options.signal
        ? AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.signal])
        : AbortSignal.timeout(options.timeoutMs),
    });
    request.on('response', (response) => {
      readBody(response).then(
        (body) => {
          const status = response.statusCode ?? 0;
          const header = response.headers['retry-after'];
          resolve({ verdict: classifyStatus(status), status, body, retryAfterMs: parseRetryAfter(header) });
        },
        (error) => resolve({ verdict: 'retry', error: describeError(error, options.timeoutMs) }),
      );
    });
    request.on('error', (error) =>
      resolve({ verdict: 'retry', error: describeError(error, options.timeoutMs) }),
    );
    request.end();
  });
}

export interface DeliveryReport {
  readonly last: AttemptResult;
  readonly attempts: number;
  readonly delivered: boolean;
}

/**
 * Delivers one callback now, retrying by the policy until it is delivered, fails permanently, runs
 * out of attempts or would arrive after `deadline` (epoch ms). Used by `logout-callback send`.
 */
export async function deliverWithRetries(
  callback: CallbackRequest,
  policy: RetryPolicy,
  options: { deadline?: number; onAttempt?: (result: AttemptResult, attempt: number) => void } = {},
): Promise<DeliveryReport> {
  const agents = createDeliveryAgents();
  try {
    for (let attempt = 1; ; attempt++) {
      const last = await attemptDelivery(callback, { timeoutMs: policy.timeoutMs, agents });
      options.onAttempt?.(last, attempt);
      if (last.verdict !== 'retry' || attempt >= policy.maxAttempts) {
        return { last, attempts: attempt, delivered: last.verdict === 'delivered' };
      }
      const wait = retryDelay(attempt, policy, last.retryAfterMs);
      if (options.deadline !== undefined && Date.now() + wait >= options.deadline) {
        return { last, attempts: attempt, delivered: false };
      }
      await sleep(wait);
    }
  } finally {
    agents.destroy();
  }
}
