// Webhook bodies: application/x-www-form-urlencoded, at most 64 KiB (Twilio's are about 1 KiB;
// anything bigger is refused before it is read whole).
import type { IncomingMessage } from 'node:http';
import { parse } from 'node:querystring';
import type { Params } from './signature.js';

export const VOICE_BODY_LIMIT_BYTES = 65_536;

export class BodyTooLarge extends Error {
  constructor() {
    super(`webhook body over ${VOICE_BODY_LIMIT_BYTES} bytes`);
    this.name = 'BodyTooLarge';
  }
}

/** Reads the whole body as UTF-8; rejects with BodyTooLarge past `limit` bytes. */
export function readBody(req: IncomingMessage, limit = VOICE_BODY_LIMIT_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume(); // drain what is in flight; the answer is already decided
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Form fields; a repeated name gives an array, as twilio's signature rules expect. */
export function parseForm(body: string): Params {
  if (body === '') return {};
  return parse(body) as Params;
}
