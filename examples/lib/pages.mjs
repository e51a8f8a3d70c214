// @ts-check
/**
 * The example services' pages: server-rendered HTML that works without script; the script adds the
 * live parts (the logout event stream on the signed-in page, polling on the waiting page).
 */
import { SIGN_IN_WAIT_SECONDS } from './sign-in.mjs';

/**
 * @typedef {{ name: string, stack: string, accent: string }} ServiceLook
 * @typedef {import('./sign-in.mjs').SignedInUser} SignedInUser
 * @typedef {import('./sign-in.mjs').PendingSignIn} PendingSignIn
 */

/** Headers of every page and asset: nothing from elsewhere, not framed, not cached. */
export const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin', // not no-referrer: that makes form posts carry `Origin: null`
  'cache-control': 'no-store',
};

/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** "2026-01-02 03:04:05 UTC": the same text the page script writes. @param {Date | number} time */
export function displayTime(time) {
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** @param {Date | number} time */
function timeElement(time) {
  return `<time datetime="${new Date(time).toISOString()}">${displayTime(time)}</time>`;
}

/**
 * @param {string} authenticatorUrl
 * @param {string} [username]
 */
function authenticatorLink(authenticatorUrl, username) {
  const href = username ? `${authenticatorUrl}?user=${encodeURIComponent(username)}` : authenticatorUrl;
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">Open the Mobile Authenticator</a>`;
}

/**
 * @param {ServiceLook} look
 * @param {string} title
 * @param {string} main
 * @param {string} [head]
 */
function layout(look, title, main, head = '') {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(look.name)}</title><link rel="stylesheet" href="/assets/app.css">${head}</head>
<body><header><p class="brand">${escapeHtml(look.name)}</p><p class="stack">${escapeHtml(look.stack)}</p></header>
<main>${main}</main>
<footer><p>An example service of <code>logout-callback</code>. Cutoffs count in whole seconds: a sign-in approved within the same second as a logout waits for the next second before its session starts, so the new session stays.</p></footer>
<script src="/assets/app.js" defer></script></body></html>`;
}

/**
 * @param {ServiceLook} look
 * @param {string} authenticatorUrl
 * @param {SignedInUser} user
 */
function signedInSection(look, authenticatorUrl, user) {
  return `<section id="session" data-testid="session" data-state="signed-in" data-live-session aria-labelledby="session-heading">
<h1 id="session-heading">Signed in</h1>
<p data-testid="status">Signed in as <strong data-testid="username">${escapeHtml(user.username)}</strong>.</p>
<dl><dt>Session started</dt><dd data-testid="started-at">${timeElement(user.startedAt)}</dd>
<dt><code>user_hash</code> from the platform</dt><dd><code>${escapeHtml(user.userHash)}</code></dd></dl>
<p id="live" class="live" role="status" data-testid="live">Connecting to ${escapeHtml(look.name)}'s logout events…</p>
<p>Press <strong>Clear</strong> or <strong>Clear All</strong> on the Mobile Authenticator: the platform sends a signed logout callback to this service, and this page shows it at once. ${authenticatorLink(authenticatorUrl, user.username)}.</p>
<form method="post" action="/sign-out"><button type="submit" class="secondary">Sign out of this service only</button></form>
</section>
<template id="signed-out-template"><h1 id="session-heading" tabindex="-1">Signed out</h1>
<p data-testid="status">Signed out at <time data-logged-out-at></time> by a LaunchKey logout (Clear on the Mobile Authenticator).</p>
<p>This session is over everywhere: its cookie no longer works. <a href="/">Sign in again</a>.</p></template>`;
}

/**
 * @param {string} [username]
 */
function signInForm(username = '') {
  return `<form method="post" action="/sign-in" class="sign-in">
<label for="username">LaunchKey username</label>
<input id="username" name="username" autocomplete="username" required maxlength="64" pattern="[A-Za-z0-9._@+\\-]{1,64}" aria-describedby="username-hint" value="${escapeHtml(username)}">
<p id="username-hint" class="hint">Letters, digits and . _ @ + - (for example: alice).</p>
<button type="submit" class="primary">Sign in with LaunchKey</button></form>`;
}

/** What the home page can tell after a redirect: `/?notice=ended`. */
const NOTICES = {
  ended: 'Your session was ended by a LaunchKey logout.',
  denied: 'The sign-in was denied on the Mobile Authenticator, or it expired.',
  'signed-out': 'You signed out of this service.',
  invalid: 'Enter a LaunchKey username: 1 to 64 letters, digits and . _ @ + -',
  error: 'Something went wrong (is the platform running?). Try again in a moment.',
};

/** @typedef {keyof typeof NOTICES} NoticeCode */

/**
 * The notice a query parameter names, if it is one.
 * @param {unknown} code
 * @returns {NoticeCode | undefined}
 */
export function noticeCode(code) {
  return typeof code === 'string' && Object.hasOwn(NOTICES, code)
    ? /** @type {NoticeCode} */ (code)
    : undefined;
}

/**
 * The home page: who is signed in, or the sign-in form.
 * @param {ServiceLook} look
 * @param {string} authenticatorUrl
 * @param {{ user?: SignedInUser, notice?: NoticeCode }} state
 */
export function renderHome(look, authenticatorUrl, { user, notice }) {
  const message = notice
    ? `<p class="notice" role="status" data-testid="notice">${escapeHtml(NOTICES[notice])}</p>`
    : '';
  if (user) return layout(look, 'Signed in', message + signedInSection(look, authenticatorUrl, user));
  return layout(
    look,
    'Sign in',
    `${message}<section id="session" data-testid="session" data-state="anonymous" aria-labelledby="session-heading">
<h1 id="session-heading">Sign in</h1>
<p data-testid="status">You are not signed in.</p>
${signInForm()}
<p>You approve the request on the platform's Mobile Authenticator. ${authenticatorLink(authenticatorUrl)}.</p>
</section>`,
  );
}

/**
 * The page shown while the user decides on the authenticator. Without script, it reloads itself.
 * @param {ServiceLook} look
 * @param {string} authenticatorUrl
 * @param {PendingSignIn} pending
 */
export function renderWaiting(look, authenticatorUrl, pending) {
  return layout(
    look,
    'Approve the sign-in',
    `<section id="session" data-testid="session" data-state="waiting" data-wait-sign-in data-wait-seconds="${SIGN_IN_WAIT_SECONDS}" aria-labelledby="session-heading">
<h1 id="session-heading">Approve the sign-in</h1>
<p data-testid="status" role="status" id="wait-status">Waiting for <strong>${escapeHtml(pending.username)}</strong> to approve the request on the Mobile Authenticator…</p>
<p>${authenticatorLink(authenticatorUrl, pending.username)}, then press <strong>Approve</strong>. This page moves on by itself.</p>
<form method="get" action="/sign-in/wait"><button type="submit" class="secondary">Check now</button></form>
</section>`,
    '<noscript><meta http-equiv="refresh" content="2"></noscript>',
  );
}

/**
 * The stylesheet, in the service's colour (a stylesheet, since the page's policy allows no inline style).
 * @param {ServiceLook} look
 */
export function appCss(look) {
  return `:root { --accent: ${look.accent}; }\n${APP_CSS}`;
}

const APP_CSS = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #474747; --line: #c4c4c4; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, sans-serif; color: var(--ink); background: #fafafa; }
header { background: var(--accent); color: #fff; padding: 0.75rem 1rem; display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
header p { margin: 0; }
.brand { font-size: 1.3rem; font-weight: 700; }
.stack { opacity: 0.95; }
main { max-width: 42rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; margin: 0.5rem 0; }
section { background: #fff; border: 1px solid var(--line); border-radius: 0.5rem; padding: 1rem 1.25rem; }
section[data-state="signed-out"] h1 { color: #8c1d18; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.live { border-left: 4px solid var(--accent); padding: 0.25rem 0.75rem; background: #f1f1f1; }
.notice { background: #fff4e5; border-left: 4px solid #8a4b00; padding: 0.5rem 0.75rem; }
.sign-in { display: grid; gap: 0.4rem; max-width: 24rem; margin: 1rem 0; }
label { font-weight: 600; }
.hint { margin: 0; color: var(--muted); font-size: 0.9rem; }
input { font: inherit; padding: 0.45rem 0.6rem; border: 1px solid #6b6b6b; border-radius: 0.3rem; }
button { font: inherit; font-weight: 600; padding: 0.5rem 1rem; border-radius: 0.4rem; border: 2px solid var(--accent); cursor: pointer; }
button.primary { background: var(--accent); color: #fff; }
button.secondary { background: #fff; color: var(--accent); }
button:hover { filter: brightness(0.9); }
a { color: #0b4fb3; }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
h1[tabindex="-1"]:focus { outline: none; } /* focused by script after a logout so screen readers read it; not a control */
footer { max-width: 42rem; margin: 0 auto; padding: 0 1rem 1rem; color: var(--muted); font-size: 0.9rem; }
`;

/** The live parts. A page without script still works: forms, links and the waiting page's refresh. */
export const APP_JS = `
(() => {
  const displayTime = (iso) => iso.slice(0, 19).replace('T', ' ') + ' UTC';

  function listenForLogout(section) {
    const live = document.getElementById('live');
    const events = new EventSource('/events');
    events.addEventListener('ready', () => {
      live.textContent = 'Live: a logout will show here the moment its callback arrives.';
    });
    events.addEventListener('logout', (event) => {
      events.close();
      const { loggedOutAt } = JSON.parse(event.data);
      const content = document.getElementById('signed-out-template').content.cloneNode(true);
      const time = content.querySelector('[data-logged-out-at]');
      time.dateTime = loggedOutAt;
      time.textContent = displayTime(loggedOutAt);
      section.replaceChildren(content);
      section.dataset.state = 'signed-out';
      section.querySelector('h1').focus();
    });
    events.addEventListener('error', () => {
      if (events.readyState === EventSource.CLOSED) live.textContent = 'Not connected: reload the page.';
    });
  }

  function waitForAnswer(section) {
    const status = document.getElementById('wait-status');
    const deadline = Date.now() + Number(section.dataset.waitSeconds) * 1000;
    async function poll() {
      if (Date.now() > deadline) {
        status.textContent = 'No answer yet. Start the sign-in again when you are ready.';
        return;
      }
      try {
        const answer = await fetch('/sign-in/status', { cache: 'no-store', headers: { accept: 'application/json' } });
        const { status: state } = await answer.json();
        if (state !== 'pending') return location.assign('/');
      } catch {
        // the service is restarting: ask again at the next tick
      }
      setTimeout(poll, 500);
    }
    poll();
  }

  const session = document.querySelector('[data-live-session]');
  if (session) listenForLogout(session);
  const waiting = document.querySelector('[data-wait-sign-in]');
  if (waiting) waitForAnswer(waiting);
})();
`;
