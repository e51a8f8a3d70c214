import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatApiTime } from '../../protocol/time.js';
import type { Dispatcher, SignInView } from '../dispatcher.js';
import type { DeliveryStatus } from '../outbox.js';
import type { Service } from '../registry.js';
import { HttpError, readJsonObject, sendJson } from './http.js';

/** The JSON shapes of the emulator's API: snake_case, times as ISO 8601. */
export function serviceJson(service: Service) {
  return {
    id: service.id,
    name: service.name,
    callback_url: service.callbackUrl,
    parameter: service.parameter,
    created_at: service.createdAt.toISOString(),
  };
}

export function signInJson(view: SignInView) {
  return {
    auth_request: view.id,
    service_id: view.serviceId,
    username: view.userId,
    status: view.status,
    created_at: view.createdAt.toISOString(),
    ...(view.decidedAt ? { decided_at: view.decidedAt.toISOString() } : {}),
    ...(view.userHash ? { user_hash: view.userHash } : {}),
  };
}

export function deliveryJson(status: DeliveryStatus) {
  return {
    id: status.id,
    service_id: status.serviceId,
    username: status.userId,
    state: status.state,
    attempts: status.attempts,
    api_time: formatApiTime(status.loggedOutAt),
    created_at: status.createdAt.toISOString(),
    updated_at: status.updatedAt.toISOString(),
    ...(status.deliveredAt ? { delivered_at: status.deliveredAt.toISOString() } : {}),
    ...(status.nextAttemptAt ? { next_attempt_at: status.nextAttemptAt.toISOString() } : {}),
    ...(status.lastStatus === undefined ? {} : { last_status: status.lastStatus }),
    ...(status.lastError === undefined ? {} : { last_error: status.lastError }),
    ...(status.reason === undefined ? {} : { reason: status.reason }),
  };
}

type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  params: string[],
  url: URL,
) => Promise<void>;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handle: Handler;
}

const SEGMENT = '([^/]+)';

export function route(method: string, path: string, handle: Handler): Route {
  return { method, pattern: new RegExp(`^${path.replaceAll(':id', SEGMENT)}$`), handle };
}

function limitOf(url: URL): number {
  const text = url.searchParams.get('limit');
  if (text === null) return 100;
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > 1000) {
    throw new HttpError(400, 'invalid_field', '"limit" must be a whole number from 1 to 1000.');
  }
  return limit;
}

/** The JSON API a service (and the demo) uses: /v1/… */
export function apiRoutes(dispatcher: Dispatcher): Route[] {
  const userOf = (params: string[]) => decodeURIComponent(params[0]!);
  const clearJson = (result: Awaited<ReturnType<Dispatcher['clearAll']>>) => ({
    api_time: formatApiTime(result.loggedOutAt),
    deliveries: result.deliveries.map((d) => ({ id: d.id, service_id: d.serviceId, state: 'pending' })),
  });
  return [
    route('GET', '/v1/keys', async (_req, res) => sendJson(res, 200, { keys: dispatcher.keys.published() })),
    route('GET', '/v1/keys/jwks', async (_req, res) => sendJson(res, 200, dispatcher.keys.jwks())),
    route('GET', '/.well-known/jwks.json', async (_req, res) => sendJson(res, 200, dispatcher.keys.jwks())),
    route('GET', '/v1/services', async (_req, res) =>
      sendJson(res, 200, { services: dispatcher.registry.list().map(serviceJson) }),
    ),
    route('POST', '/v1/services', async (req, res) => {
      const body = await readJsonObject(req);
      const service = dispatcher.registerService({
        name: body.name as string,
        callbackUrl: body.callback_url as string,
        parameter: body.parameter as 'clear',
        ...(body.id === undefined ? {} : { id: body.id as string }),
      });
      sendJson(res, 201, serviceJson(service));
    }),
    route('GET', '/v1/services/:id', async (_req, res, params) =>
      sendJson(res, 200, serviceJson(dispatcher.registry.require(decodeURIComponent(params[0]!)))),
    ),
    route('POST', '/v1/auths', async (req, res) => {
      const body = await readJsonObject(req);
      sendJson(res, 201, signInJson(dispatcher.startSignIn(body.service_id, body.username)));
    }),
    route('GET', '/v1/auths/:id', async (_req, res, params) =>
      sendJson(res, 200, signInJson(dispatcher.signIn(decodeURIComponent(params[0]!)))),
    ),
    route('POST', '/v1/auths/:id/approve', async (_req, res, params) =>
      sendJson(res, 200, signInJson(dispatcher.approveSignIn(decodeURIComponent(params[0]!)))),
    ),
    route('POST', '/v1/auths/:id/deny', async (_req, res, params) =>
      sendJson(res, 200, signInJson(dispatcher.denySignIn(decodeURIComponent(params[0]!)))),
    ),
    route('GET', '/v1/users/:id/auths', async (_req, res, params) =>
      sendJson(res, 200, { auths: dispatcher.signIns.pendingFor(userOf(params)).map(signInJson) }),
    ),
    route('GET', '/v1/users/:id/services', async (_req, res, params) =>
      sendJson(res, 200, { services: dispatcher.signedInServices(userOf(params)).map(serviceJson) }),
    ),
    route('POST', '/v1/users/:id/clear', async (req, res, params) => {
      const body = await readJsonObject(req);
      sendJson(res, 202, clearJson(await dispatcher.clear(userOf(params), body.service_id)));
    }),
    route('POST', '/v1/users/:id/clear-all', async (_req, res, params) =>
      sendJson(res, 202, clearJson(await dispatcher.clearAll(userOf(params)))),
    ),
    route('GET', '/v1/deliveries', async (_req, res, _params, url) => {
      const user = url.searchParams.get('username');
      const list = await dispatcher.deliveries({ ...(user ? { userId: user } : {}), limit: limitOf(url) });
      sendJson(res, 200, { deliveries: list.map(deliveryJson) });
    }),
    route('GET', '/v1/deliveries/:id', async (_req, res, params) => {
      const status = await dispatcher.delivery(decodeURIComponent(params[0]!));
      if (!status) throw new HttpError(404, 'unknown_delivery', 'No delivery has this id.');
      sendJson(res, 200, deliveryJson(status));
    }),
  ];
}

export type { Route };
