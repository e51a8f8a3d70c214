// @ts-check
/**
 * Server-sent events from a service to its own open pages: the receiver's onLogout hook publishes,
 * each page of that user hears "logout" at once, without a reload. Framework-neutral: a stream is a
 * Web ReadableStream (Hono returns it in a Response; Express pipes it with Readable.fromWeb).
 */

const HEARTBEAT_MS = 15_000;

/** The response headers of an event stream. */
export const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  'x-accel-buffering': 'no',
  // Not kept alive after the stream ends: a closing server need not wait for the connection.
  connection: 'close',
};

/**
 * @typedef {{ loggedOutAt: Date, cutoff: Date }} LogoutNotice
 * @typedef {ReadableStreamDefaultController<Uint8Array>} Listener
 */

export function createLogoutEvents() {
  /** @type {Map<string, Set<Listener>>} user hash → the open pages of that user */
  const listeners = new Map();
  const encoder = new TextEncoder();

  /** @param {Listener} listener @param {string} text */
  const send = (listener, text) => {
    try {
      listener.enqueue(encoder.encode(text));
    } catch {
      // the page went away in the meantime; its cancel() removes it
    }
  };
  /** @param {string} userHash @param {Listener} listener */
  const remove = (userHash, listener) => {
    const set = listeners.get(userHash);
    set?.delete(listener);
    if (set?.size === 0) listeners.delete(userHash);
  };
  const everyListener = () => [...listeners.values()].flatMap((set) => [...set]);

  // A comment line now and then keeps proxies and browsers from timing the stream out.
  const heartbeat = setInterval(() => {
    for (const listener of everyListener()) send(listener, ': keep-alive\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    /**
     * The event stream of one page of userHash.
     * @param {string} userHash
     * @returns {ReadableStream<Uint8Array>}
     */
    stream(userHash) {
      /** @type {Listener | undefined} */
      let self;
      return new ReadableStream({
        start(controller) {
          self = controller;
          const set = listeners.get(userHash) ?? new Set();
          set.add(controller);
          listeners.set(userHash, set);
          send(controller, 'retry: 2000\nevent: ready\ndata: {}\n\n');
        },
        cancel() {
          if (self) remove(userHash, self);
        },
      });
    },

    /**
     * Tells every open page of userHash that its session ended.
     * @param {string} userHash
     * @param {LogoutNotice} notice
     */
    publish(userHash, notice) {
      const data = JSON.stringify({
        loggedOutAt: notice.loggedOutAt.toISOString(),
        cutoff: notice.cutoff.toISOString(),
      });
      for (const listener of listeners.get(userHash) ?? [])
        send(listener, `event: logout\ndata: ${data}\n\n`);
    },

    /** How many pages are listening (for tests and health pages). */
    size() {
      return everyListener().length;
    },

    /** Ends every stream, so the server can close. */
    close() {
      clearInterval(heartbeat);
      for (const listener of everyListener()) {
        try {
          listener.close();
        } catch {
          // already closed
        }
      }
      listeners.clear();
    },
  };
}
