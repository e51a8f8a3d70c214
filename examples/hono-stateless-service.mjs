// @ts-check
/**
 * Example service B: Hono with stateless sessions. The session is a signed cookie that says who
 * signed in and when; nothing is kept on the server but the cutoffs. A logout cannot delete a
 * cookie in the browser, so every request asks the cutoff store whether the session still lives.
 *
 *   PLATFORM_URL=http://127.0.0.1:3000 COOKIE_SECRET=… node examples/hono-stateless-service.mjs
 *
 * The library's part: the receiver at /logout-callback, and isSessionLive on every request.
 */
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { openCutoffStore } from 'logout-callback/cutoffs';
import { honoLogoutHandler } from 'logout-callback/hono';
import { isSessionLive } from 'logout-callback/sessions';
import { createLogoutEvents, EVENT_STREAM_HEADERS } from './lib/logout-events.mjs';
import { APP_JS, appCss, noticeCode, PAGE_HEADERS, renderHome, renderWaiting } from './lib/pages.mjs';
import { fetchPlatformKeys } from './lib/platform-client.mjs';
import {
  CALLBACK_PATH,
  isMainModule,
  runStandalone,
  serveExample,
  serviceSettings,
} from './lib/service-runtime.mjs';
import { createSignInFlow, isForeignOrigin, isUsername, SESSION_MAX_AGE_SECONDS } from './lib/sign-in.mjs';

const DEFAULTS = {
  port: 3002,
  cutoffStore: 'sqlite:./data/service-b/cutoffs.db',
  serviceId: 'service-b',
  name: 'Service B',
  stack: 'Hono + stateless signed cookies',
  accent: '#5b2a86',
};

const SESSION_COOKIE = 'service_b_session';
const PENDING_COOKIE = 'service_b_pending';
/** @type {import('hono/utils/cookie').CookieOptions} */
const COOKIE_OPTIONS = { path: '/', httpOnly: true, sameSite: 'Lax' };

/**
 * @typedef {import('./lib/sign-in.mjs').SignedInUser} SignedInUser
 * @typedef {import('./lib/sign-in.mjs').PendingSignIn} PendingSignIn
 * @typedef {import('hono').Context} Context
 */

/** @param {unknown} value @returns {value is SignedInUser} */
function isSignedInUser(value) {
  const user = /** @type {Partial<SignedInUser> | null} */ (value);
  return (
    typeof user?.username === 'string' &&
    typeof user.userHash === 'string' &&
    typeof user.startedAt === 'number'
  );
}

/**
 * Starts service B and registers it with the platform.
 * @param {import('./lib/service-runtime.mjs').ServiceOptions} options
 * @returns {Promise<import('./lib/service-runtime.mjs').RunningService>}
 */
export async function startHonoStatelessService(options) {
  const settings = serviceSettings(options, DEFAULTS);
  const { look, authenticatorUrl, cookieSecret } = settings;
  const keys = settings.platformKeys ?? (await fetchPlatformKeys(settings.platformUrl));
  const store = await openCutoffStore(settings.cutoffStore, { maxSessionAge: SESSION_MAX_AGE_SECONDS });
  const events = createLogoutEvents();
  const signIn = createSignInFlow(settings.platform, store);
  const app = new Hono();

  /** A signed cookie's JSON, or undefined if it is missing, forged or garbled. @param {Context} c @param {string} name */
  async function readSignedJson(c, name) {
    const text = await getSignedCookie(c, cookieSecret, name);
    if (typeof text !== 'string') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  /**
   * The user of an authentic session cookie that is younger than the longest session and that no
   * logout ended since it started (an in-process lookup). An ended cookie is deleted.
   * @param {Context} c
   * @returns {Promise<{ user?: SignedInUser, ended?: true }>}
   */
  async function currentSession(c) {
    const user = await readSignedJson(c, SESSION_COOKIE);
    if (!isSignedInUser(user)) return {};
    const young = Date.now() - user.startedAt < SESSION_MAX_AGE_SECONDS * 1000;
    if (young && isSessionLive(store, user.userHash, user.startedAt)) return { user };
    deleteCookie(c, SESSION_COOKIE, COOKIE_OPTIONS);
    return { ended: true };
  }

  /** One poll of the user's answer; on approval the session cookie is issued. @param {Context} c */
  async function advanceSignIn(c) {
    /** @type {PendingSignIn | undefined} */
    const pending = await readSignedJson(c, PENDING_COOKIE);
    if (!pending?.authRequest) return { state: 'none' };
    const progress = await signIn.advance(pending);
    if (progress.status === 'pending') return { state: 'pending', pending };
    deleteCookie(c, PENDING_COOKIE, COOKIE_OPTIONS);
    if (progress.status === 'denied') return { state: 'denied' };
    await setSignedCookie(c, SESSION_COOKIE, JSON.stringify(progress.user), cookieSecret, {
      ...COOKIE_OPTIONS,
      maxAge: SESSION_MAX_AGE_SECONDS,
    });
    return { state: 'approved' };
  }

  // 1. The logout callback: the receiver verifies the raw query, stores the user's cutoff, and the
  //    hook tells that user's open pages.
  const onLogout = (/** @type {import('logout-callback/receiver').LogoutEvent} */ event) =>
    events.publish(event.userHash, event);
  app.all(CALLBACK_PATH, honoLogoutHandler({ keys, store, hooks: { onLogout } }));

  app.use('*', async (c, next) => {
    if (c.req.method === 'POST' && isForeignOrigin(c.req.header('origin'), new URL(c.req.url).origin)) {
      return c.text('Cross-origin form posts are refused.', 403);
    }
    await next();
    for (const [name, value] of Object.entries(PAGE_HEADERS)) c.res.headers.set(name, value);
  });
  app.get('/assets/app.css', (c) => c.body(appCss(look), 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/assets/app.js', (c) => c.body(APP_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' }));

  // 2. Every page asks the cutoff store whether the session still lives.
  app.get('/', async (c) => {
    const { user, ended } = await currentSession(c);
    const notice = ended ? 'ended' : noticeCode(c.req.query('notice'));
    return c.html(renderHome(look, authenticatorUrl, { user, notice }));
  });
  app.post('/sign-in', bodyLimit({ maxSize: 2048 }), async (c) => {
    const { username } = await c.req.parseBody();
    if (!isUsername(username)) return c.redirect('/?notice=invalid', 303);
    const pending = await signIn.begin(username);
    await setSignedCookie(c, PENDING_COOKIE, JSON.stringify(pending), cookieSecret, {
      ...COOKIE_OPTIONS,
      maxAge: 600,
    });
    return c.redirect('/sign-in/wait', 303);
  });
  app.get('/sign-in/wait', async (c) => {
    const { state, pending } = await advanceSignIn(c);
    if (state === 'pending' && pending) return c.html(renderWaiting(look, authenticatorUrl, pending));
    return c.redirect(state === 'denied' ? '/?notice=denied' : '/', 303);
  });
  app.get('/sign-in/status', async (c) => c.json({ status: (await advanceSignIn(c)).state }));
  app.post('/sign-out', (c) => {
    deleteCookie(c, SESSION_COOKIE, COOKIE_OPTIONS);
    return c.redirect('/?notice=signed-out', 303);
  });
  app.get('/me', async (c) => {
    const { user } = await currentSession(c);
    return user ? c.json({ signedIn: true, ...user }) : c.json({ signedIn: false }, 401);
  });
  app.get('/events', async (c) => {
    const { user } = await currentSession(c);
    if (!user) return c.body(null, 401);
    return new Response(events.stream(user.userHash), { headers: EVENT_STREAM_HEADERS });
  });
  app.onError((error, c) => {
    process.stderr.write(`service B: ${error.message}\n`);
    return c.redirect('/?notice=error', 303);
  });

  return serveExample(
    /** @type {import('node:http').Server} */ (createAdaptorServer({ fetch: app.fetch })),
    settings,
    { events, store },
  );
}

if (isMainModule(import.meta.url)) await runStandalone(startHonoStatelessService);
