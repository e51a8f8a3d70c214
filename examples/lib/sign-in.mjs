// @ts-check
/**
 * Sign-in with LaunchKey, the part both example services share: ask the platform, poll for the
 * user's answer, and start the session at a moment no earlier cutoff can end.
 */
import { PlatformError } from './platform-client.mjs';

/** Sessions (and so the cutoffs kept for them) last at most this long. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** A browser asks whether the user answered about twice a second; it gives up after this long. */
export const SIGN_IN_WAIT_SECONDS = 300;

const USERNAME = /^[A-Za-z0-9._@+-]{1,64}$/;

/**
 * @typedef {{ authRequest: string, username: string }} PendingSignIn
 * @typedef {{ username: string, userHash: string, startedAt: number }} SignedInUser
 * @typedef {{ status: 'pending' } | { status: 'denied' } | { status: 'approved', user: SignedInUser }} SignInProgress
 * @typedef {import('logout-callback/cutoffs').CutoffStore} CutoffStore
 * @typedef {import('./platform-client.mjs').PlatformService} PlatformService
 */

/** @param {unknown} value @returns {value is string} */
export function isUsername(value) {
  return typeof value === 'string' && USERNAME.test(value);
}

/**
 * Cutoffs have whole-second precision: a session that starts within the second of the user's last
 * cutoff counts as ended by it. A sign-in approved in that second therefore waits for the next one
 * (at most a second) before its session starts, so the new session stays.
 * @param {CutoffStore} store
 * @param {string} userHash
 * @returns {Promise<number>} the session's start, epoch milliseconds
 */
export async function sessionStartAfterCutoff(store, userHash) {
  const cutoff = store.cutoffOf(userHash)?.getTime();
  const firstLiveMoment = cutoff === undefined ? 0 : Math.floor(cutoff / 1000) * 1000 + 1000;
  const wait = firstLiveMoment - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return Date.now();
}

/**
 * @param {PlatformService} platform
 * @param {CutoffStore} store
 */
export function createSignInFlow(platform, store) {
  return {
    /**
     * Asks the platform to send the request to the user's Mobile Authenticator.
     * @param {string} username
     * @returns {Promise<PendingSignIn>}
     */
    async begin(username) {
      return { authRequest: await platform.startSignIn(username), username };
    },

    /**
     * One poll. The session starts after the approval is seen, never before.
     * @param {PendingSignIn} pending
     * @returns {Promise<SignInProgress>}
     */
    async advance(pending) {
      let answer;
      try {
        answer = await platform.checkSignIn(pending.authRequest);
      } catch (error) {
        if (error instanceof PlatformError && error.code === 'unknown_sign_in') return { status: 'denied' };
        throw error;
      }
      if (answer.status === 'pending') return { status: 'pending' };
      if (answer.status !== 'approved' || !answer.userHash) return { status: 'denied' };
      const startedAt = await sessionStartAfterCutoff(store, answer.userHash);
      return {
        status: 'approved',
        user: { username: answer.username, userHash: answer.userHash, startedAt },
      };
    },
  };
}

/**
 * A form post from another origin is refused (the demo services share a host, so SameSite=Lax
 * alone does not tell them apart).
 * @param {string | undefined | null} origin the request's Origin header
 * @param {string} selfOrigin
 */
export function isForeignOrigin(origin, selfOrigin) {
  return typeof origin === 'string' && origin !== selfOrigin;
}
