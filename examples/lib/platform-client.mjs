// @ts-check
/**
 * A small client for the platform's service API (/v1), as a service uses it: register the service
 * with its callback URL, fetch the platform's public keys, start a sign-in and poll for the answer.
 */

const REQUEST_TIMEOUT_MS = 5_000;

export class PlatformError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.name = 'PlatformError';
    this.status = status;
    this.code = code;
  }
}

/**
 * @param {string} platformUrl
 * @param {string} path
 * @param {unknown} [body] sent as JSON with POST; without it the request is a GET
 * @returns {Promise<any>}
 */
async function callPlatform(platformUrl, path, body) {
  const response = await fetch(new URL(path, platformUrl), {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = answer?.error ?? {};
    throw new PlatformError(
      response.status,
      error.code ?? 'http_error',
      error.message ?? `HTTP ${response.status}`,
    );
  }
  return answer;
}

/**
 * The platform's published signing keys (PEM): the receiver trusts every one of them, so a key
 * rotation on the platform does not break the callbacks.
 * @param {string} platformUrl
 * @returns {Promise<string[]>}
 */
export async function fetchPlatformKeys(platformUrl) {
  const { keys } = await callPlatform(platformUrl, '/v1/keys');
  return keys.map((/** @type {{ pem: string }} */ key) => key.pem);
}

/**
 * @typedef {{ status: 'pending' | 'approved' | 'denied', userHash?: string, username: string }} SignInAnswer
 * @typedef {object} PlatformService
 * @property {(serviceId: string, name: string, callbackUrl: string) => Promise<void>} register
 *   registers the service, or finds it registered by an earlier run with the same callback URL
 * @property {() => string} serviceId  once registered
 * @property {(username: string) => Promise<string>} startSignIn  resolves to the auth request id
 * @property {(authRequest: string) => Promise<SignInAnswer>} checkSignIn  one poll
 */

/**
 * The platform as one service sees it. Register first: the service's id names it in every call.
 * @param {string} platformUrl
 * @returns {PlatformService}
 */
export function createPlatformClient(platformUrl) {
  /** @type {string | undefined} */
  let registeredId;
  const serviceId = () => {
    if (registeredId === undefined) throw new Error('The service is not registered with the platform yet.');
    return registeredId;
  };
  return {
    serviceId,
    async register(id, name, callbackUrl) {
      await registerOnce(platformUrl, { id, name, callback_url: callbackUrl });
      registeredId = id;
    },
    async startSignIn(username) {
      const answer = await callPlatform(platformUrl, '/v1/auths', { service_id: serviceId(), username });
      return answer.auth_request;
    },
    async checkSignIn(authRequest) {
      const answer = await callPlatform(platformUrl, `/v1/auths/${encodeURIComponent(authRequest)}`);
      return { status: answer.status, userHash: answer.user_hash, username: answer.username };
    },
  };
}

/**
 * @param {string} platformUrl
 * @param {{ id: string, name: string, callback_url: string }} service
 */
async function registerOnce(platformUrl, service) {
  let known;
  try {
    known = await callPlatform(platformUrl, `/v1/services/${encodeURIComponent(service.id)}`);
  } catch (error) {
    if (!(error instanceof PlatformError && error.code === 'unknown_service')) throw error;
    await callPlatform(platformUrl, '/v1/services', service);
    return;
  }
  if (known.callback_url !== service.callback_url) {
    throw new Error(
      `The platform already has a service "${service.id}" with the callback URL ${known.callback_url}; give this one another service id.`,
    );
  }
}
