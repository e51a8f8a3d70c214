/** logout-callback/sessions: session checks for stateless sessions (signed cookies, JWTs with `iat`). */
export { isSessionLive, isTokenLive, type SessionChecker } from './stateless.js';
