/** Every answer of the receiver: JSON, never cached, never a stack trace. */

export const ANSWER_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
};

export function jsonAnswer(status: number, body: unknown, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...ANSWER_HEADERS, ...headers } });
}

/** A request the receiver refuses: `{"ok":false,"reason":…,"message":…}` with a stable reason code. */
export function refusal(status: number, reason: string, message: string, headers?: Record<string, string>) {
  return jsonAnswer(status, { ok: false, reason, message }, headers);
}
