const BASE64_BODY = /^[A-Za-z0-9+/]*$/;

/**
 * Decodes a signature as the platform and real-world intermediaries deliver it: standard Base64,
 * with or without padding, the URL-safe alphabet, and '+' that arrived unencoded in a query string
 * (and so was form-decoded into a space). Returns undefined for anything else.
 */
const STANDARD_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function decodeSignature(text: string): Buffer | undefined {
  if (text.length % 4 === 0 && STANDARD_BASE64.test(text)) return Buffer.from(text, 'base64');
  let body = text.trim().replace(/ /g, '+').replace(/-/g, '+').replace(/_/g, '/');
  body = body.replace(/={1,2}$/, '');
  if (body.length === 0 || body.length % 4 === 1 || !BASE64_BODY.test(body)) return undefined;
  return Buffer.from(body, 'base64');
}

export function encodeSignature(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
