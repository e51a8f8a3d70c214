import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from '../dispatcher.js';
import { PlatformInputError } from '../errors.js';
import { checkUserId } from '../registry.js';
import { route as pageRoute, type Route } from './api.js';
import {
  AUTHENTICATOR_CSS,
  AUTHENTICATOR_JS,
  renderAuthenticator,
  renderSections,
  renderUserForm,
} from './authenticator-page.js';
import { httpErrorOf, readForm, redirect, sendJson, sendText } from './http.js';

function pageOf(user: string, notice?: string): string {
  const query = new URLSearchParams({ user, ...(notice ? { notice } : {}) });
  return `/authenticator?${query}`;
}

/**
 * A form action of the page: does it, then sends the browser back to the page with what happened.
 * A refused action (say, Approve on a request already decided) becomes the notice, not an error page.
 */
function formAction(act: (form: URLSearchParams, user: string) => Promise<string>): Route['handle'] {
  return async (request: IncomingMessage, response: ServerResponse) => {
    const form = await readForm(request);
    const user = checkUserId(form.get('user') ?? undefined, 'user');
    let notice: string;
    try {
      notice = await act(form, user);
    } catch (error) {
      if (!(error instanceof PlatformInputError)) throw error;
      notice = error.message;
    }
    redirect(response, pageOf(user, notice));
  };
}

export function authenticatorRoutes(dispatcher: Dispatcher): Route[] {
  const nameOf = (serviceId: string) => dispatcher.registry.get(serviceId)?.name ?? serviceId;
  return [
    pageRoute('GET', '/', async (_req, res) => redirect(res, '/authenticator')),
    pageRoute('GET', '/authenticator', async (_req, res, _params, url) => {
      const user = url.searchParams.get('user');
      if (user === null || user === '') return sendText(res, 200, 'text/html', renderUserForm());
      try {
        checkUserId(user, 'user');
      } catch (error) {
        return sendText(res, 400, 'text/html', renderUserForm(httpErrorOf(error)?.message));
      }
      const notice = url.searchParams.get('notice') ?? undefined;
      sendText(res, 200, 'text/html', await renderAuthenticator(dispatcher, user, notice));
    }),
    pageRoute('GET', '/authenticator/sections', async (_req, res, _params, url) => {
      const user = checkUserId(url.searchParams.get('user') ?? undefined, 'user');
      sendJson(res, 200, await renderSections(dispatcher, user));
    }),
    pageRoute('GET', '/authenticator.css', async (_req, res) =>
      sendText(res, 200, 'text/css', AUTHENTICATOR_CSS),
    ),
    pageRoute('GET', '/authenticator.js', async (_req, res) =>
      sendText(res, 200, 'text/javascript', AUTHENTICATOR_JS),
    ),
    pageRoute(
      'POST',
      '/authenticator/approve',
      formAction(async (form) => {
        const view = dispatcher.approveSignIn(form.get('auth_request') ?? undefined);
        return `Signed in to ${nameOf(view.serviceId)}.`;
      }),
    ),
    pageRoute(
      'POST',
      '/authenticator/deny',
      formAction(async (form) => {
        const view = dispatcher.denySignIn(form.get('auth_request') ?? undefined);
        return `Denied the sign-in to ${nameOf(view.serviceId)}.`;
      }),
    ),
    pageRoute(
      'POST',
      '/authenticator/clear',
      formAction(async (form, user) => {
        const result = await dispatcher.clear(user, form.get('service_id') ?? undefined);
        return `Signed out of ${nameOf(result.deliveries[0]?.serviceId ?? '')}: the logout callback is on its way.`;
      }),
    ),
    pageRoute(
      'POST',
      '/authenticator/clear-all',
      formAction(async (_form, user) => {
        const result = await dispatcher.clearAll(user);
        return `Signed out of ${result.deliveries.length} service(s): logout callbacks are on their way.`;
      }),
    ),
  ];
}
