import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type RunningPlatform, startPlatform } from '../../src/platform/emulator/server.js';
import { rsaKeyPair } from '../helpers/keys.js';
import { api, signedInService, waitForDelivered } from './api-client.js';
import { startReceiver, type TestReceiver } from './receivers.js';

const { privateKey, publicKey } = rsaKeyPair();

describe('the platform emulator', () => {
  let platform: RunningPlatform;
  let receiver: TestReceiver;
  let base: string;
  before(async () => {
    platform = await startPlatform({ keys: privateKey, retry: { baseDelayMs: 20, maxDelayMs: 100 } });
    base = platform.url;
    receiver = await startReceiver(publicKey);
  });
  after(async () => {
    await platform.close();
    await receiver.close();
  });

  it('publishes its public key, never the private one', async () => {
    const { status, body } = await api(base, 'GET', '/v1/keys');
    assert.equal(status, 200);
    assert.equal(body.keys.length, 1);
    assert.equal(body.keys[0].active, true);
    assert.match(body.keys[0].pem, /BEGIN PUBLIC KEY/);
    const jwks = await api(base, 'GET', '/.well-known/jwks.json');
    assert.equal(jwks.body.keys[0].kid, body.keys[0].kid);
    assert.equal(jwks.body.keys[0].d, undefined);
    const fromJwk = createPublicKey({ key: jwks.body.keys[0], format: 'jwk' });
    assert.ok(fromJwk.equals(publicKey));
  });

  it('registers, signs in, approves and hands the user_hash to the poll; Clear sends a verified callback', async () => {
    const registered = await api(base, 'POST', '/v1/services', { name: 'Shop', callback_url: receiver.url });
    assert.equal(registered.status, 201);
    assert.equal(registered.body.parameter, 'clear');
    const auth = await api(base, 'POST', '/v1/auths', { service_id: registered.body.id, username: 'alice' });
    assert.equal(auth.status, 201);
    assert.equal(auth.body.status, 'pending');
    const waiting = await api(base, 'GET', `/v1/auths/${auth.body.auth_request}`);
    assert.equal(waiting.body.status, 'pending');
    assert.equal(waiting.body.user_hash, undefined);

    const pending = await api(base, 'GET', '/v1/users/alice/auths');
    assert.deepEqual(
      pending.body.auths.map((a: { auth_request: string }) => a.auth_request),
      [auth.body.auth_request],
    );
    await api(base, 'POST', `/v1/auths/${auth.body.auth_request}/approve`);
    const approved = await api(base, 'GET', `/v1/auths/${auth.body.auth_request}`);
    assert.equal(approved.body.status, 'approved');
    assert.match(approved.body.user_hash, /^[A-Za-z0-9+/]{43}$/);
    const again = await api(base, 'POST', `/v1/auths/${auth.body.auth_request}/deny`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_decided');

    const cleared = await api(base, 'POST', '/v1/users/alice/clear', { service_id: registered.body.id });
    assert.equal(cleared.status, 202);
    assert.equal(cleared.body.deliveries.length, 1);
    await receiver.waitFor(1);
    assert.equal(receiver.accepted[0]!.userHash, approved.body.user_hash);
    assert.equal(receiver.accepted[0]!.loggedOutAt.toISOString().replace('.000', ''), cleared.body.api_time);
    const [delivery] = await waitForDelivered(base, 'alice', 1);
    assert.equal(delivery.last_status, 200);
    const one = await api(base, 'GET', `/v1/deliveries/${delivery.id}`);
    assert.equal(one.body.state, 'delivered');
    const services = await api(base, 'GET', '/v1/users/alice/services');
    assert.deepEqual(services.body.services, []);
  });

  it('sends the legacy deorbit parameter to a service that asked for it', async () => {
    const before = receiver.accepted.length;
    const { serviceId } = await signedInService(base, 'bob', {
      name: 'Old',
      callback_url: receiver.url,
      parameter: 'deorbit',
    });
    await api(base, 'POST', '/v1/users/bob/clear', { service_id: serviceId });
    await receiver.waitFor(before + 1);
    assert.equal(receiver.accepted.at(-1)!.parameter, 'deorbit');
  });

  it('answers bad input with clear 4xx errors', async () => {
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/v1/services', '{not json', 400, 'invalid_json'],
      ['POST', '/v1/services', [1, 2], 400, 'invalid_json'],
      ['POST', '/v1/services', { name: 'x', callback_url: 'ftp://x' }, 400, 'invalid_field'],
      [
        'POST',
        '/v1/services',
        { name: 'x', callback_url: 'http://127.0.0.1/', parameter: 'bye' },
        400,
        'invalid_field',
      ],
      ['POST', '/v1/services', { callback_url: 'http://127.0.0.1/' }, 400, 'invalid_field'],
      ['POST', '/v1/auths', { service_id: 'nope', username: 'alice' }, 404, 'unknown_service'],
      ['GET', '/v1/auths/nope', undefined, 404, 'unknown_sign_in'],
      ['POST', '/v1/users/al%20ice/clear-all', undefined, 400, 'invalid_field'],
      ['POST', '/v1/users/alice/clear', { service_id: 'nope' }, 404, 'unknown_service'],
      ['GET', '/v1/deliveries/nope', undefined, 404, 'unknown_delivery'],
      ['GET', '/v1/deliveries?limit=0', undefined, 400, 'invalid_field'],
      ['DELETE', '/v1/services', undefined, 405, 'method_not_allowed'],
      ['GET', '/v1/nothing', undefined, 404, 'not_found'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const answer = await api(base, method, path, body);
      assert.equal(answer.status, status, `${method} ${path}`);
      assert.equal(answer.body.error.code, code, `${method} ${path}`);
      assert.equal(typeof answer.body.error.message, 'string');
    }
    const auth = await api(base, 'POST', '/v1/auths', {
      service_id: (await api(base, 'GET', '/v1/services')).body.services[0].id,
      username: 'x y',
    });
    assert.equal(auth.status, 400);
  });

  it('serves the Mobile Authenticator: approve, Clear and Clear All work as plain forms', async () => {
    const registered = await api(base, 'POST', '/v1/services', {
      name: 'Bank <&>',
      callback_url: receiver.url,
    });
    const auth = await api(base, 'POST', '/v1/auths', { service_id: registered.body.id, username: 'carol' });
    const page = await fetch(`${base}/authenticator?user=carol`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(html, /Bank &#60;&#38;&#62;/);
    assert.doesNotMatch(html, /Bank <&>/);
    assert.match(html, />Approve<\/button>/);
    assert.match(html, />Deny<\/button>/);

    const form = new URLSearchParams({ user: 'carol', auth_request: auth.body.auth_request });
    const approved = await fetch(`${base}/authenticator/approve`, {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    assert.equal(approved.status, 303);
    assert.match(approved.headers.get('location') ?? '', /^\/authenticator\?user=carol/);
    const signedIn = await (await fetch(`${base}/authenticator?user=carol`)).text();
    assert.match(signedIn, />Clear<\/button>/);
    assert.match(signedIn, />Clear All<\/button>/);

    const before = receiver.accepted.length;
    const clearAll = await fetch(`${base}/authenticator/clear-all`, {
      method: 'POST',
      body: new URLSearchParams({ user: 'carol' }),
      redirect: 'manual',
    });
    assert.equal(clearAll.status, 303);
    await receiver.waitFor(before + 1);
    await waitForDelivered(base, 'carol', 1);
    const sections = await (await fetch(`${base}/authenticator/sections?user=carol`)).json();
    assert.match(sections.deliveries, /data-state="delivered"/);
    assert.match(sections.services, /not signed in/);
    const form400 = await fetch(`${base}/authenticator?user=${encodeURIComponent('<script>')}`);
    assert.equal(form400.status, 400);
    assert.doesNotMatch(await form400.text(), /<script>/);
  });
});
