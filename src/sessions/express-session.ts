/**
 * express-session integration (any session store, connect-redis included): remember who signed in
 * and when, and destroy a session on its next request once a logout callback ended it.
 */
import type { RequestHandler } from 'express';
import type { Session, SessionData } from 'express-session';
import { toMillis } from '../protocol/time.js';
import type { SessionChecker } from './stateless.js';

/** What markSignedIn keeps on the session. */
export interface SignedInMark {
  readonly userHash: string;
  /** Epoch milliseconds: JSON-safe for every session store. */
  readonly startedAt: number;
}

declare module 'express-session' {
  interface SessionData {
    logoutCallback?: SignedInMark;
  }
}

/** Call at sign-in, with the user hash the platform gave for this user. */
export function markSignedIn(
  session: Session & Partial<SessionData>,
  userHash: string,
  startedAt: Date | number = Date.now(),
): void {
  session.logoutCallback = {
    userHash,
    startedAt: toMillis(startedAt),
  };
}

/** How an ended session is answered: 401 JSON (default) or a redirect (e.g. to the sign-in page). */
export type EndedSessionAnswer = { readonly status: 401 } | { readonly redirect: string };

export interface EndEndedSessionsOptions {
  readonly store: SessionChecker;
  readonly answer?: EndedSessionAnswer;
}

function isMark(value: unknown): value is SignedInMark {
  const mark = value as SignedInMark | undefined;
  return typeof mark?.userHash === 'string' && typeof mark.startedAt === 'number';
}

/**
 * Middleware, after express-session: a session marked with markSignedIn whose user logged out
 * since it started is destroyed, and the request answered as configured. Other requests pass.
 */
export function endEndedSessions(options: EndEndedSessionsOptions): RequestHandler {
  const answer = options.answer ?? { status: 401 };
  return (req, res, next) => {
    const mark: unknown = req.session?.logoutCallback;
    if (!isMark(mark) || options.store.isSessionLive(mark.userHash, mark.startedAt)) return next();
    req.session.destroy((error: unknown) => {
      if (error) return next(error);
      res.setHeader('cache-control', 'no-store');
      if ('redirect' in answer) return res.redirect(303, answer.redirect);
      res.status(401).json({ ok: false, reason: 'session_ended', message: 'You were signed out.' });
    });
  };
}
