// @ts-check
/**
 * Example service A: Express 5 with express-session, signing users in with LaunchKey and ending
 * their sessions when the logout callback arrives.
 *
 *   PLATFORM_URL=http://127.0.0.1:3000 COOKIE_SECRET=… node examples/express-session-service.mjs
 *
 * The library's part: the receiver at /logout-callback (before any body parser or session),
 * markSignedIn at sign-in, and endEndedSessions after express-session.
 */
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import express from 'express';
import session from 'express-session';
import { openCutoffStore } from 'logout-callback/cutoffs';
import { expressLogoutHandler } from 'logout-callback/express';
import { endEndedSessions, markSignedIn } from 'logout-callback/express-session';
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
  port: 3001,
  cutoffStore: 'sqlite:./data/service-a/cutoffs.db',
  serviceId: 'service-a',
  name: 'Service A',
  stack: 'Express + express-session',
  accent: '#0b5d3b',
};

/**
 * The session as this app uses it: the library's mark (logoutCallback: userHash, startedAt) plus
 * the username and a sign-in waiting for the user's answer.
 * @typedef {import('express-session').Session & Partial<import('express-session').SessionData> & {
 *   username?: string, pendingSignIn?: import('./lib/sign-in.mjs').PendingSignIn }} AppSession
 * @typedef {import('./lib/sign-in.mjs').SignedInUser} SignedInUser
 */

/** @param {import('express').Request} req */
const sessionOf = (req) => /** @type {AppSession} */ (req.session);

/** @param {import('express').Request} req @returns {SignedInUser | undefined} */
function signedInUser(req) {
  const { logoutCallback: mark, username } = sessionOf(req);
  return mark && username ? { username, userHash: mark.userHash, startedAt: mark.startedAt } : undefined;
}

/** A new session id at sign-in, so an id known before it is worth nothing after. @param {import('express').Request} req */
function regenerateSession(req) {
  return new Promise((resolve, reject) =>
    req.session.regenerate((error) => (error ? reject(error) : resolve(undefined))),
  );
}

/** @type {import('express').RequestHandler} */
function refuseForeignPosts(req, res, next) {
  if (req.method === 'POST' && isForeignOrigin(req.get('origin'), `${req.protocol}://${req.get('host')}`)) {
    res.status(403).type('text').send('Cross-origin form posts are refused.');
    return;
  }
  next();
}

/**
 * Express knows an error handler by its four parameters.
 * @param {unknown} error
 * @param {import('express').Request} _req
 * @param {import('express').Response} res
 * @param {import('express').NextFunction} _next
 */
function answerFailures(error, _req, res, _next) {
  process.stderr.write(`service A: ${error instanceof Error ? error.message : String(error)}\n`);
  if (!res.headersSent) res.redirect(303, '/?notice=error');
}

/**
 * Starts service A and registers it with the platform.
 * @param {import('./lib/service-runtime.mjs').ServiceOptions} options
 * @returns {Promise<import('./lib/service-runtime.mjs').RunningService>}
 */
export async function startExpressSessionService(options) {
  const settings = serviceSettings(options, DEFAULTS);
  const { look, authenticatorUrl } = settings;
  const keys = settings.platformKeys ?? (await fetchPlatformKeys(settings.platformUrl));
  const store = await openCutoffStore(settings.cutoffStore, { maxSessionAge: SESSION_MAX_AGE_SECONDS });
  const events = createLogoutEvents();
  const signIn = createSignInFlow(settings.platform, store);
  const app = express();
  app.disable('x-powered-by');

  // 1. The logout callback, before any body parser or session: the receiver verifies the raw
  //    query, stores the user's cutoff, and the hook tells that user's open pages.
  const onLogout = (/** @type {import('logout-callback/receiver').LogoutEvent} */ event) =>
    events.publish(event.userHash, event);
  app.all(CALLBACK_PATH, expressLogoutHandler({ keys, store, hooks: { onLogout } }));

  app.use((_req, res, next) => {
    res.set(PAGE_HEADERS);
    next();
  });
  app.get('/assets/app.css', (_req, res) => res.type('css').send(appCss(look)));
  app.get('/assets/app.js', (_req, res) => res.type('js').send(APP_JS));

  // 2. Sessions, then the check: a session whose user logged out since it began is destroyed on
  //    its next request, and the browser sent to the home page.
  app.use(
    session({
      name: 'service_a_sid',
      secret: settings.cookieSecret,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', maxAge: SESSION_MAX_AGE_SECONDS * 1000 },
    }),
  );
  app.use(endEndedSessions({ store, answer: { redirect: '/?notice=ended' } }));
  app.use(refuseForeignPosts);

  /** One poll of the user's answer; on approval the session starts. @param {import('express').Request} req */
  async function advanceSignIn(req) {
    const pending = sessionOf(req).pendingSignIn;
    if (!pending) return 'none';
    const progress = await signIn.advance(pending);
    if (progress.status === 'pending') return 'pending';
    if (progress.status === 'denied') {
      delete sessionOf(req).pendingSignIn;
      return 'denied';
    }
    await regenerateSession(req);
    // 3. Remember who signed in and when: endEndedSessions compares this with the user's cutoff.
    markSignedIn(req.session, progress.user.userHash, progress.user.startedAt);
    sessionOf(req).username = progress.user.username;
    return 'approved';
  }

  app.get('/', (req, res) => {
    res
      .type('html')
      .send(
        renderHome(look, authenticatorUrl, { user: signedInUser(req), notice: noticeCode(req.query.notice) }),
      );
  });
  app.post('/sign-in', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const username = req.body?.username;
    if (!isUsername(username)) return res.redirect(303, '/?notice=invalid');
    sessionOf(req).pendingSignIn = await signIn.begin(username);
    res.redirect(303, '/sign-in/wait');
  });
  app.get('/sign-in/wait', async (req, res) => {
    const state = await advanceSignIn(req);
    const pending = sessionOf(req).pendingSignIn;
    if (state === 'pending' && pending)
      return res.type('html').send(renderWaiting(look, authenticatorUrl, pending));
    res.redirect(303, state === 'denied' ? '/?notice=denied' : '/');
  });
  app.get('/sign-in/status', async (req, res) => {
    res.json({ status: await advanceSignIn(req) });
  });
  app.post('/sign-out', (req, res, next) => {
    req.session.destroy((error) => (error ? next(error) : res.redirect(303, '/?notice=signed-out')));
  });
  app.get('/me', (req, res) => {
    const user = signedInUser(req);
    res.status(user ? 200 : 401).json(user ? { signedIn: true, ...user } : { signedIn: false });
  });
  app.get('/events', (req, res) => {
    const user = signedInUser(req);
    if (!user) return res.status(401).end();
    res.writeHead(200, EVENT_STREAM_HEADERS);
    const stream = Readable.fromWeb(
      /** @type {import('node:stream/web').ReadableStream} */ (events.stream(user.userHash)),
    );
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  });
  app.use(answerFailures);

  return serveExample(createServer(app), settings, { events, store });
}

if (isMainModule(import.meta.url)) await runStandalone(startExpressSessionService);
