import type { KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogoutVerifier, type VerifiedLogout } from '../../src/protocol/verify.js';

/** What the receiver does with its n-th request (1-based). */
export type Behaviour = 'ok' | 'hang' | 'destroy' | { status: number; headers?: Record<string, string> };

export interface TestReceiver {
  readonly url: string;
  /** Callbacks it answered 200 to, each verified with the platform's public key. */
  readonly accepted: VerifiedLogout[];
  /** Raw query strings of every request, in order. */
  readonly requests: string[];
  /** Requests that did not verify (there should be none). */
  readonly rejected: string[];
  /** Resolves once `count` callbacks were accepted; rejects after timeoutMs. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  setBehaviour(behave: (n: number) => Behaviour): void;
  close(): Promise<void>;
}

/**
 * A loopback receiver that verifies every callback with createLogoutVerifier and answers as told:
 * 200, an error status (with headers, e.g. Retry-After), hang without answering, or drop the socket.
 */
export async function startReceiver(
  publicKey: KeyObject,
  behave: (n: number) => Behaviour = () => 'ok',
): Promise<TestReceiver> {
  const verifier = createLogoutVerifier({ keys: publicKey });
  const accepted: VerifiedLogout[] = [];
  const requests: string[] = [];
  const rejected: string[] = [];
  const hanging = new Set<ServerResponse>();
  let waiters: Array<() => void> = [];
  let behaviour = behave;

  function handle(request: IncomingMessage, response: ServerResponse): void {
    const query = (request.url ?? '').split('?')[1] ?? '';
    requests.push(query);
    const what = behaviour(requests.length);
    if (what === 'hang') {
      hanging.add(response);
      return;
    }
    if (what === 'destroy') {
      request.socket.destroy();
      return;
    }
    if (what !== 'ok') {
      response.writeHead(what.status, what.headers).end();
      return;
    }
    const result = verifier.verify(request.url ?? '');
    if (!result.ok) {
      rejected.push(`${result.reason}: ${query}`);
      response.writeHead(400).end(result.reason);
      return;
    }
    accepted.push(result);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    for (const wake of waiters) wake();
  }

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    accepted,
    requests,
    rejected,
    setBehaviour(next) {
      behaviour = next;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (accepted.length < count) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`waited ${timeoutMs} ms for ${count} callbacks; got ${accepted.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        waiters = [];
      }
    },
    close() {
      for (const response of hanging) response.socket?.destroy();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** A loopback URL where nothing listens (connection refused). */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/callback`;
}
