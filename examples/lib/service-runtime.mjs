// @ts-check
/**
 * What every example service does around its app: settle its options, listen, register its
 * callback URL with the platform, close in order, and run on its own from the command line.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createPlatformClient } from './platform-client.mjs';

/** The path the platform calls: the receiver is mounted here. */
export const CALLBACK_PATH = '/logout-callback';

const MIN_COOKIE_SECRET_CHARS = 32;

/**
 * @typedef {object} ServiceOptions
 * @property {string} platformUrl  e.g. http://127.0.0.1:3000
 * @property {string} cookieSecret  at least 32 characters; keep it out of the code (the demo makes one on first run)
 * @property {number} [port]  0: any free port
 * @property {string} [host]  default 127.0.0.1
 * @property {string[]} [platformKeys]  the platform's public keys (PEM); default: fetched from its /v1/keys
 * @property {string} [cutoffStore]  `sqlite:PATH`, `memory` or `redis://HOST:PORT`
 * @property {string} [serviceId]  the id this service registers with the platform; default e.g. service-a-3001
 * @property {string} [name]  the name the Mobile Authenticator shows
 *
 * @typedef {object} ServiceDefaults
 * @property {number} port
 * @property {string} cutoffStore
 * @property {string} serviceId  the default id, before the port is added
 * @property {string} name
 * @property {string} stack  the frameworks, shown on the page
 * @property {string} accent  the header colour (white text on it)
 *
 * @typedef {object} RunningService
 * @property {string} url
 * @property {string} serviceId
 * @property {() => Promise<void>} close
 */

/**
 * @param {ServiceOptions} options
 * @param {ServiceDefaults} defaults
 */
export function serviceSettings(options, defaults) {
  if (typeof options.cookieSecret !== 'string' || options.cookieSecret.length < MIN_COOKIE_SECRET_CHARS) {
    throw new Error(`cookieSecret must be a string of at least ${MIN_COOKIE_SECRET_CHARS} characters.`);
  }
  const platformUrl = new URL(options.platformUrl).origin;
  const name = options.name ?? defaults.name;
  return {
    /** @param {number} port */
    serviceId: (port) => options.serviceId ?? `${defaults.serviceId}-${port}`,
    platformUrl,
    platformKeys: options.platformKeys,
    cookieSecret: options.cookieSecret,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? defaults.port,
    cutoffStore: options.cutoffStore ?? defaults.cutoffStore,
    look: { name, stack: defaults.stack, accent: defaults.accent },
    authenticatorUrl: `${platformUrl}/authenticator`,
    platform: createPlatformClient(platformUrl),
  };
}

/** How long open requests may take to finish when the service stops. */
const CLOSE_GRACE_MS = 1_000;

/**
 * Listens, then registers `URL/logout-callback` with the platform. If anything fails, what was
 * opened is closed again.
 * @param {import('node:http').Server} server
 * @param {ReturnType<typeof serviceSettings>} settings
 * @param {{ events: { close(): void }, store: { close(): Promise<void> } }} resources
 * @returns {Promise<RunningService>}
 */
export async function serveExample(server, settings, { events, store }) {
  const close = async () => {
    events.close(); // ends the open event streams, or the server would wait for them
    if (server.listening) {
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await closed;
      clearTimeout(force);
    }
    await store.close();
  };
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => resolve(undefined));
    });
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    const url = `http://${settings.host}:${address.port}`;
    // The id carries the port: a platform database kept from a run on other ports stays valid.
    const serviceId = settings.serviceId(address.port);
    await settings.platform.register(serviceId, settings.look.name, `${url}${CALLBACK_PATH}`);
    return { url, serviceId, close: once(close) };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * @param {() => Promise<void>} action
 * @returns {() => Promise<void>}
 */
function once(action) {
  /** @type {Promise<void> | undefined} */
  let running;
  return () => {
    running ??= action();
    return running;
  };
}

/**
 * Whether the module at importMetaUrl is the script node was started with.
 * @param {string} importMetaUrl
 */
export function isMainModule(importMetaUrl) {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(realpathSync(script)).href === importMetaUrl;
}

/**
 * Runs a service from the command line, configured by the environment: PLATFORM_URL, PORT,
 * COOKIE_SECRET, CUTOFF_STORE, SERVICE_ID. Stops on Ctrl-C or SIGTERM.
 * @param {(options: ServiceOptions) => Promise<RunningService>} start
 */
export async function runStandalone(start) {
  const env = process.env;
  let cookieSecret = env.COOKIE_SECRET;
  if (!cookieSecret) {
    cookieSecret = randomBytes(32).toString('base64url');
    process.stderr.write(
      'COOKIE_SECRET is not set: using a random one, so sessions end when this process does.\n',
    );
  }
  const service = await start({
    platformUrl: env.PLATFORM_URL ?? 'http://127.0.0.1:3000',
    cookieSecret,
    ...(env.PORT === undefined ? {} : { port: Number(env.PORT) }),
    ...(env.CUTOFF_STORE === undefined ? {} : { cutoffStore: env.CUTOFF_STORE }),
    ...(env.SERVICE_ID === undefined ? {} : { serviceId: env.SERVICE_ID }),
  });
  process.stdout.write(`listening on ${service.url}\n`);
  const stop = () => void service.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
