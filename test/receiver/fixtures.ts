import { sign } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeSignature } from '../../src/protocol/base64.js';
import { signLogoutCallback } from '../../src/protocol/sign.js';
import { rsaKeyPair } from '../helpers/keys.js';

export const keys = rsaKeyPair();

let counter = 0;
/** A distinct, realistic user hash (43 characters, as the platform's). */
export function newUserHash(): string {
  counter += 1;
  return `user${String(counter).padStart(6, '0')}${'x'.repeat(33)}`;
}

/** The query of a freshly signed logout callback for userHash. */
export function signedQuery(userHash: string, loggedOutAt = new Date()): string {
  return signLogoutCallback({ userHash, loggedOutAt }, keys.privateKey).query;
}

/** A validly signed callback whose JSON was altered in transit: it must be rejected. */
export function tamperedQuery(userHash: string): string {
  return signedQuery(userHash).replace(userHash, `X${userHash.slice(1)}`);
}

/** A query over arbitrary JSON, signed with the trusted key (to reach checks after the signature). */
export function signedJsonQuery(json: string): string {
  const signature = encodeSignature(sign('sha256', Buffer.from(json, 'utf8'), keys.privateKey));
  return new URLSearchParams([
    ['clear', json],
    ['signature', signature],
  ]).toString();
}

/** Listens on a free loopback port and gives the base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface JsonReply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function fetchJson(url: string, init?: RequestInit): Promise<JsonReply> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}
