import type { CutoffStore } from '../cutoffs/store.js';
import { LogoutCallbackConfigError } from '../protocol/errors.js';
import type { JsonParameterName } from '../protocol/query.js';
import type { RejectionReason } from '../protocol/reasons.js';
import { readClock } from '../protocol/time.js';
import {
  type Clock,
  createLogoutVerifier,
  type LogoutVerifier,
  type VerifiedLogout,
  type VerifyOptions,
} from '../protocol/verify.js';
import { jsonAnswer, refusal } from './answers.js';
import { DEFAULT_MAX_BODY_BYTES, discardBody } from './body.js';
import { describeError, type ReceiverLogger, stderrFailureLogger } from './logger.js';

/** Why the receiver did not answer 200: a rejected callback (400, 413 for a body over the cap) or a store down (503). */
export type RefusalReason = RejectionReason | 'store_unavailable';

/** A logout whose cutoff is stored. */
export interface LogoutEvent {
  readonly userHash: string;
  readonly loggedOutAt: Date;
  readonly receivedAt: Date;
  /** The user's cutoff after this logout: sessions started in or before its second are ended. */
  readonly cutoff: Date;
  /** The same signed callback was accepted before (a platform retry or a replay); its work is done. */
  readonly duplicate: boolean;
  readonly parameter: JsonParameterName;
  readonly signatureDigest: string;
  readonly request: Request;
}

export interface LogoutHooks {
  /** After the cutoff is stored, before the 200 is sent. A hook that throws is logged; the answer stays 200. */
  onLogout?(event: LogoutEvent): void | Promise<void>;
  /** For every refused request, for logging and metrics. A hook that throws is logged and ignored. */
  onRejected?(reason: RefusalReason, request: Request): void | Promise<void>;
}

interface HandlerBaseOptions {
  /** Only recordLogout is used, so the platform emulator's `listen` can hand in a memory store. */
  readonly store: Pick<CutoffStore, 'recordLogout'>;
  readonly hooks?: LogoutHooks;
  /** Default: only failures, as JSON lines on stderr. A pino logger fits. */
  readonly logger?: ReceiverLogger;
  /** Bodies are read and discarded; over this many bytes the answer is 413. Default 16384. */
  readonly maxBodyBytes?: number;
  /** The clock for freshness and receivedAt; defaults to the system clock. */
  readonly now?: Clock;
}

export type LogoutHandlerOptions = HandlerBaseOptions &
  (
    | {
        readonly keys: VerifyOptions['keys'];
        readonly maxAge?: number;
        readonly maxFutureSkew?: number;
        readonly verifier?: never;
      }
    | { readonly verifier: LogoutVerifier; readonly keys?: never }
  );

export type LogoutHandler = (request: Request) => Promise<Response>;

function verifierOf(options: LogoutHandlerOptions): LogoutVerifier {
  if (options.verifier && options.keys) {
    throw new LogoutCallbackConfigError('invalid_option', 'Give either "keys" or "verifier", not both.');
  }
  if (options.verifier) return options.verifier;
  return createLogoutVerifier({
    keys: options.keys,
    now: options.now,
    maxAge: options.maxAge,
    maxFutureSkew: options.maxFutureSkew,
  });
}

function maxBodyBytesOf(options: LogoutHandlerOptions): number {
  const value = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(value) || value < 0) {
    throw new LogoutCallbackConfigError('invalid_option', '"maxBodyBytes" must be a non-negative integer.');
  }
  return value;
}

const STORE_UNAVAILABLE_MESSAGE = 'The logout could not be stored; retry later.';

/**
 * The receiver's one core, on Web-standard Request and Response: every framework adapter calls it.
 * Order: body cap, then verification of the raw query (before anything is interpreted), then the
 * store; 200 only once the cutoff is stored.
 */
export function createLogoutHandler(options: LogoutHandlerOptions): LogoutHandler {
  const verifier = verifierOf(options);
  const maxBodyBytes = maxBodyBytesOf(options);
  const { store, hooks = {} } = options;
  const logger = options.logger ?? stderrFailureLogger;

  async function runHook(name: keyof LogoutHooks, call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      logger.error({ hook: name, ...describeError(error) }, 'a receiver hook threw; the answer is unchanged');
    }
  }

  async function refuse(request: Request, status: number, reason: RefusalReason, message: string) {
    if (hooks.onRejected) await runHook('onRejected', () => hooks.onRejected?.(reason, request));
    return refusal(status, reason, message, status === 503 ? { 'retry-after': '1' } : undefined);
  }

  async function recordAndAnswer(
    request: Request,
    logout: VerifiedLogout,
    receivedAt: Date,
  ): Promise<Response> {
    let recorded: Awaited<ReturnType<typeof store.recordLogout>>;
    try {
      recorded = await store.recordLogout({
        userHash: logout.userHash,
        loggedOutAt: logout.loggedOutAt,
        receivedAt,
        signatureDigest: logout.signatureDigest,
      });
    } catch (error) {
      logger.error({ reason: 'store_unavailable', ...describeError(error) }, 'logout not stored');
      return refuse(request, 503, 'store_unavailable', STORE_UNAVAILABLE_MESSAGE);
    }
    const { cutoff, duplicate } = recorded;
    logger.info({ userHash: logout.userHash, cutoff: cutoff.toISOString(), duplicate }, 'logout stored');
    if (hooks.onLogout) {
      const { userHash, loggedOutAt, parameter, signatureDigest } = logout;
      const event = {
        userHash,
        loggedOutAt,
        receivedAt,
        cutoff,
        duplicate,
        parameter,
        signatureDigest,
        request,
      };
      await runHook('onLogout', () => hooks.onLogout?.(event));
    }
    return jsonAnswer(200, { ok: true, userHash: logout.userHash, cutoff: cutoff.toISOString(), duplicate });
  }

  return async function handleLogoutCallback(request: Request): Promise<Response> {
    const receivedAt = new Date(readClock(options.now));
    if (!(await discardBody(request, maxBodyBytes))) {
      logger.warn({ reason: 'too_large' }, 'callback refused: body over the cap');
      const message = `The request body exceeds ${maxBodyBytes} bytes; a callback carries its data in the query.`;
      return refuse(request, 413, 'too_large', message);
    }
    // A verifier handed in keeps its own clock unless the handler was given one.
    const overrides = options.now === undefined ? undefined : { now: receivedAt };
    const result = await verifier.verifyAsync(request.url, overrides);
    if (!result.ok) {
      logger.warn({ reason: result.reason }, 'callback rejected');
      return refuse(request, 400, result.reason, result.message);
    }
    return recordAndAnswer(request, result, receivedAt);
  };
}
