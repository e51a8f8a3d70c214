/** A small client for the platform emulator's JSON API, for tests. */
export interface ApiAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test code reads whatever JSON came back
  body: any;
}

export async function api(base: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Registers a service, has `username` sign in to it and approve, and returns the ids and user_hash. */
export async function signedInService(
  base: string,
  username: string,
  service: { name: string; callback_url: string; parameter?: string },
): Promise<{ serviceId: string; userHash: string }> {
  const registered = await api(base, 'POST', '/v1/services', service);
  if (registered.status !== 201) throw new Error(`register: ${JSON.stringify(registered)}`);
  const auth = await api(base, 'POST', '/v1/auths', { service_id: registered.body.id, username });
  await api(base, 'POST', `/v1/auths/${auth.body.auth_request}/approve`);
  const polled = await api(base, 'GET', `/v1/auths/${auth.body.auth_request}`);
  return { serviceId: registered.body.id, userHash: polled.body.user_hash };
}

/** Polls until every delivery of the user is delivered (or the time is up), and returns them. */
export async function waitForDelivered(base: string, username: string, count: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(base, 'GET', `/v1/deliveries?username=${encodeURIComponent(username)}`);
    const delivered = body.deliveries.filter((d: { state: string }) => d.state === 'delivered');
    if (delivered.length >= count) return body.deliveries;
    if (Date.now() >= deadline) throw new Error(`not delivered in time: ${JSON.stringify(body.deliveries)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
