import { formatApiTime } from '../../protocol/time.js';
import type { Dispatcher } from '../dispatcher.js';
import type { DeliveryState, DeliveryStatus } from '../outbox.js';

/** The Mobile Authenticator: server-rendered HTML, working without script; the script only refreshes it. */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function hiddenInputs(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('');
}

function button(
  action: string,
  label: string,
  fields: Record<string, string>,
  kind: 'primary' | 'danger',
  describedBy?: string,
): string {
  const described = describedBy ? ` aria-describedby="${describedBy}"` : '';
  return `<form method="post" action="/authenticator/${action}">${hiddenInputs(fields)}<button type="submit" class="${kind}" data-testid="${action}"${described}>${label}</button></form>`;
}

export interface AuthenticatorSections {
  readonly pending: string;
  readonly services: string;
  readonly deliveries: string;
}

function pendingSection(dispatcher: Dispatcher, user: string): string {
  const requests = dispatcher.signIns.pendingFor(user);
  if (requests.length === 0) return '<p class="empty">No sign-in requests.</p>';
  const items = requests.map((request) => {
    const name = dispatcher.registry.get(request.serviceId)?.name ?? request.serviceId;
    const label = `signin-${request.id}`;
    const fields = { user, auth_request: request.id };
    return `<li data-testid="pending-request" data-auth-request="${request.id}">
<span id="${label}"><strong>${escapeHtml(name)}</strong> asks you to sign in</span>
<span class="actions">${button('approve', 'Approve', fields, 'primary', label)}${button('deny', 'Deny', fields, 'danger', label)}</span></li>`;
  });
  return `<ul class="cards">${items.join('')}</ul>`;
}

function servicesSection(dispatcher: Dispatcher, user: string): string {
  const services = dispatcher.signedInServices(user);
  if (services.length === 0) return '<p class="empty">You are not signed in to any service.</p>';
  const items = services.map((service) => {
    const label = `service-${service.id}`;
    return `<li data-testid="signed-in-service" data-service-id="${escapeHtml(service.id)}">
<span id="${label}"><strong>${escapeHtml(service.name)}</strong></span>
<span class="actions">${button('clear', 'Clear', { user, service_id: service.id }, 'danger', label)}</span></li>`;
  });
  return `<ul class="cards">${items.join('')}</ul>
<div class="clear-all">${button('clear-all', 'Clear All', { user }, 'danger')}</div>`;
}

const STATE_TEXT: Record<DeliveryState, string> = {
  pending: 'Pending',
  retrying: 'Retrying',
  delivered: 'Delivered',
  failed: 'Failed',
  dead: 'Dead',
};

function detailOf(status: DeliveryStatus): string {
  if (status.reason) return status.reason;
  if (status.lastStatus !== undefined) return `HTTP ${status.lastStatus}`;
  return status.lastError ?? '';
}

async function deliveriesSection(dispatcher: Dispatcher, user: string): Promise<string> {
  const deliveries = await dispatcher.deliveries({ userId: user, limit: 50 });
  if (deliveries.length === 0) return '<p class="empty">No logout callbacks yet.</p>';
  const counts = new Map<DeliveryState, number>();
  for (const d of deliveries) counts.set(d.state, (counts.get(d.state) ?? 0) + 1);
  const summary = [...counts].map(([state, n]) => `${n} ${STATE_TEXT[state].toLowerCase()}`).join(', ');
  const rows = deliveries.map((d) => {
    const name = dispatcher.registry.get(d.serviceId)?.name ?? d.serviceId;
    return `<tr data-testid="delivery" data-delivery-id="${d.id}" data-state="${d.state}">
<td>${escapeHtml(name)}</td><td><time datetime="${formatApiTime(d.loggedOutAt)}">${formatApiTime(d.loggedOutAt)}</time></td>
<td><span class="state state-${d.state}">${STATE_TEXT[d.state]}</span></td><td>${d.attempts}</td><td>${escapeHtml(detailOf(d))}</td></tr>`;
  });
  return `<p role="status" data-testid="delivery-summary">${summary}</p>
<table><caption class="visually-hidden">Logout callbacks, newest first</caption>
<thead><tr><th scope="col">Service</th><th scope="col">Clear time</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Detail</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>`;
}

export async function renderSections(dispatcher: Dispatcher, user: string): Promise<AuthenticatorSections> {
  return {
    pending: pendingSection(dispatcher, user),
    services: servicesSection(dispatcher, user),
    deliveries: await deliveriesSection(dispatcher, user),
  };
}

function layout(title: string, main: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="stylesheet" href="/authenticator.css"></head>
<body><header><h1>Mobile Authenticator</h1></header><main>${main}</main>
<script src="/authenticator.js" defer></script></body></html>`;
}

export function renderUserForm(error?: string): string {
  const message = error ? `<p class="error" role="alert" id="user-error">${escapeHtml(error)}</p>` : '';
  const described = error ? ' aria-describedby="user-error" aria-invalid="true"' : '';
  return layout(
    'Mobile Authenticator',
    `<form method="get" action="/authenticator" class="user-form">
<label for="user">Username</label>
<input id="user" name="user" autocomplete="username" required${described}>
<button type="submit" class="primary">Open</button></form>${message}`,
  );
}

export async function renderAuthenticator(
  dispatcher: Dispatcher,
  user: string,
  notice?: string,
): Promise<string> {
  const sections = await renderSections(dispatcher, user);
  const message = notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : '';
  const section = (id: keyof AuthenticatorSections, heading: string) =>
    `<section aria-labelledby="${id}-heading"><h2 id="${id}-heading">${heading}</h2>
<div id="${id}" data-testid="${id}" data-section="${id}">${sections[id]}</div></section>`;
  return layout(
    `Mobile Authenticator: ${user}`,
    `<p class="who">Signed in as <strong data-testid="username">${escapeHtml(user)}</strong> · <a href="/authenticator">Switch user</a></p>
${message}
${section('pending', 'Sign-in requests')}
${section('services', 'Signed-in services')}
${section('deliveries', 'Logout callbacks')}
<div hidden data-user="${escapeHtml(user)}" id="refresh-config"></div>`,
  );
}

export const AUTHENTICATOR_CSS = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --blue: #1a4fd0; --red: #b3261e; --line: #c9c9c9; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, sans-serif; color: var(--ink); background: #fff; }
header { background: #102a6b; color: #fff; padding: 0.75rem 1rem; }
h1 { margin: 0; font-size: 1.25rem; }
main { max-width: 44rem; margin: 0 auto; padding: 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
.cards { list-style: none; padding: 0; margin: 0; }
.cards li { display: flex; justify-content: space-between; align-items: center; gap: 1rem; padding: 0.6rem 0.75rem; border: 1px solid var(--line); border-radius: 0.5rem; margin-bottom: 0.5rem; }
.actions { display: flex; gap: 0.5rem; }
form { margin: 0; display: inline; }
button { font: inherit; font-weight: 600; padding: 0.45rem 1rem; border-radius: 0.4rem; border: 2px solid transparent; cursor: pointer; color: #fff; }
button.primary { background: var(--blue); }
button.danger { background: var(--red); }
button:hover { filter: brightness(0.9); }
button:focus-visible, a:focus-visible, input:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
.clear-all { margin-top: 0.75rem; }
.empty, .who { color: var(--muted); }
.notice { background: #e8f0fe; border-left: 4px solid var(--blue); padding: 0.5rem 0.75rem; }
.error { color: var(--red); font-weight: 600; }
table { width: 100%; border-collapse: collapse; font-size: 0.95rem; }
th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); }
.state { font-weight: 600; }
.state-delivered { color: #1e6b2e; } .state-failed, .state-dead { color: var(--red); } .state-retrying { color: #8a4b00; }
.user-form { display: flex; gap: 0.5rem; align-items: center; margin-top: 1rem; }
input { font: inherit; padding: 0.4rem 0.5rem; border: 1px solid #6b6b6b; border-radius: 0.3rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** Refreshes the three sections once a second; a section that holds the keyboard focus is left alone. */
export const AUTHENTICATOR_JS = `
(() => {
  const config = document.getElementById('refresh-config');
  if (!config) return;
  const user = config.dataset.user;
  const last = new Map();
  async function refresh() {
    try {
      const answer = await fetch('/authenticator/sections?user=' + encodeURIComponent(user), { cache: 'no-store' });
      if (!answer.ok) return;
      const sections = await answer.json();
      for (const [id, html] of Object.entries(sections)) {
        const element = document.getElementById(id);
        if (!element || last.get(id) === html || element.contains(document.activeElement)) continue;
        element.innerHTML = html;
        last.set(id, html);
      }
    } catch {
      // the emulator is restarting: try again at the next tick
    }
  }
  setInterval(refresh, 1000);
})();
`;
