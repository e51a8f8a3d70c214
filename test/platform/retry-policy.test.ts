import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backoffDelay,
  classifyStatus,
  nextStep,
  parseRetryAfter,
  retryPolicyOf,
} from '../../src/platform/retry-policy.js';
import { userHashFor } from '../../src/platform/user-hash.js';

const policy = retryPolicyOf({ baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 5, timeoutMs: 50 });

describe('retry policy', () => {
  it('classifies answers: 2xx delivered, 408/429/5xx retried, other 4xx permanent', () => {
    assert.equal(classifyStatus(200), 'delivered');
    assert.equal(classifyStatus(204), 'delivered');
    for (const status of [408, 429, 500, 502, 503, 504])
      assert.equal(classifyStatus(status), 'retry', `${status}`);
    for (const status of [301, 400, 401, 403, 404, 410, 413])
      assert.equal(classifyStatus(status), 'permanent', `${status}`);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-02T03:04:05Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('Fri, 02 Jan 2026 03:04:15 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Fri, 02 Jan 2026 03:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('backs off exponentially with full jitter, capped', () => {
    assert.equal(
      backoffDelay(1, policy, () => 0.999),
      99,
    );
    assert.equal(
      backoffDelay(3, policy, () => 0.999),
      399,
    );
    assert.equal(
      backoffDelay(20, policy, () => 0.999),
      999,
    );
    assert.equal(
      backoffDelay(3, policy, () => 0),
      0,
    );
  });

  it('decides the next step: a retry past the freshness window is dead, expired_undelivered', () => {
    const now = 1_000_000;
    assert.deepEqual(nextStep({ verdict: 'delivered', status: 200 }, 1, now + 300_000, policy, now), {
      state: 'delivered',
    });
    assert.deepEqual(nextStep({ verdict: 'permanent', status: 404 }, 1, now + 300_000, policy, now), {
      state: 'failed',
      reason: 'http_404',
    });
    assert.deepEqual(
      nextStep({ verdict: 'retry', status: 503, retryAfterMs: 2000 }, 1, now + 300_000, policy, now),
      {
        state: 'retrying',
        nextAttemptAt: now + 2000,
      },
    );
    assert.deepEqual(
      nextStep({ verdict: 'retry', status: 429, retryAfterMs: 2000 }, 1, now + 1000, policy, now),
      {
        state: 'dead',
        reason: 'expired_undelivered',
      },
    );
    assert.deepEqual(nextStep({ verdict: 'retry', error: 'timeout' }, 5, now + 300_000, policy, now), {
      state: 'dead',
      reason: 'attempts_exhausted',
    });
  });

  it('refuses a nonsensical policy with a typed error', () => {
    assert.throws(() => retryPolicyOf({ maxAttempts: 0 }), { name: 'LogoutCallbackConfigError' });
    assert.throws(() => retryPolicyOf({ timeoutMs: Number.NaN }), { name: 'LogoutCallbackConfigError' });
  });
});

describe('user_hash', () => {
  const secret = Buffer.alloc(32, 7);
  it('is stable per user and service, different across services and users, 43 characters of Base64', () => {
    const a = userHashFor(secret, 'shop', 'alice');
    assert.equal(a, userHashFor(secret, 'shop', 'alice'));
    assert.match(a, /^[A-Za-z0-9+/]{43}$/);
    assert.notEqual(a, userHashFor(secret, 'bank', 'alice'));
    assert.notEqual(a, userHashFor(secret, 'shop', 'bob'));
    assert.notEqual(userHashFor(secret, 'ab', 'c'), userHashFor(secret, 'a', 'bc'));
    assert.notEqual(a, userHashFor(Buffer.alloc(32, 8), 'shop', 'alice'));
  });
});
