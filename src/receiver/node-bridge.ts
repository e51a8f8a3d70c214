import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { refusal } from './answers.js';

/** Methods the Fetch standard will not put in a Request; no platform sends them. */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const WITHOUT_BODY = new Set(['GET', 'HEAD']);

function headersOf(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/**
 * The request body as a Web stream. Cancelling it (a body over the cap) does not destroy the socket
 * as Readable.toWeb would: the rest is drained and discarded, so the answer can still be sent.
 */
function bodyOf(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        req.on('data', (chunk: Buffer) => {
          if (!open) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once('end', () => {
          if (open) controller.close();
          open = false;
        });
        req.once('error', (error) => {
          if (open) controller.error(error);
          open = false;
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        open = false;
        req.resume();
      },
    },
    { highWaterMark: 1 },
  );
}

function hasBody(req: IncomingMessage): boolean {
  if (req.readableEnded) return false; // a body parser mounted earlier consumed it
  return req.headers['content-length'] !== undefined
    ? req.headers['content-length'] !== '0'
    : req.headers['transfer-encoding'] !== undefined;
}

/**
 * A Web Request for a node:http request. `url` is the raw request target (for Express and Koa the
 * original URL, before any mount point rewrote it); the host is fixed, since only the path and the
 * raw query matter and a Host header is not to be trusted. Returns undefined for a method that
 * Fetch forbids.
 */
export function toWebRequest(req: IncomingMessage, url: string = req.url ?? '/'): Request | undefined {
  const method = req.method ?? 'GET';
  if (FORBIDDEN_METHODS.has(method.toUpperCase())) return undefined;
  const target = url.startsWith('/') ? url : `/${url}`;
  const withBody = !WITHOUT_BODY.has(method.toUpperCase()) && hasBody(req);
  return new Request(`http://localhost${target}`, {
    method,
    headers: headersOf(req.headers),
    ...(withBody ? { body: bodyOf(req), duplex: 'half' } : {}),
  } as RequestInit);
}

/** A Web Response's headers as a plain object (Set-Cookie aside: no adapter's answer carries one). */
export function headersRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') record[name] = value;
  });
  return record;
}

/** Writes a Web Response to a node:http response. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(headersRecord(response.headers))) res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  res.end(body);
}

/** The Web handler's answer to one node:http request: the shared path of every Node adapter. */
export async function answerNodeRequest(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  url?: string,
): Promise<Response> {
  try {
    const request = toWebRequest(req, url);
    if (!request) return refusal(405, 'method_not_allowed', `The method ${req.method} is not accepted.`);
    return await handler(request);
  } catch {
    // The core answers every bad callback itself; this is a request Fetch cannot represent.
    return refusal(400, 'bad_request', 'The request cannot be read.');
  }
}

export async function serveWithWebHandler(
  handler: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
  url?: string,
): Promise<void> {
  const response = await answerNodeRequest(handler, req, url);
  if (!res.headersSent) await sendWebResponse(res, response);
}
