/** The callback carries nothing in its body: the body is read and discarded, never buffered, up to a cap. */

export const DEFAULT_MAX_BODY_BYTES = 16_384;

/**
 * Reads and discards the request body. Returns false as soon as it is known to exceed maxBytes
 * (by Content-Length, or while counting a chunked body); the rest is then left unread. A body that
 * fails mid-way (the client went away) counts as read: the callback's data is in the query.
 */
export async function discardBody(request: Request, maxBytes: number): Promise<boolean> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await request.body?.cancel().catch(() => {});
    return false;
  }
  if (!request.body) return true;
  const reader = request.body.getReader();
  let total = 0;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return true;
      total += chunk.value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        return false;
      }
    }
  } catch {
    return true;
  }
}
