// The client's address for per-address limits, read the way express reads req.ip with
// `trust proxy` set to a number of hops: the socket's peer, or, behind TRUST_PROXY_HOPS proxies,
// the address that many entries from the right of X-Forwarded-For. Without trusted hops the
// header is ignored (anyone can write it). Used where express is not (the voice front).
import type { IncomingMessage } from 'node:http';

export function clientAddress(req: IncomingMessage, trustProxyHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustProxyHops <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  const chain = [peer, ...forwarded.reverse()];
  return chain[Math.min(trustProxyHops, chain.length - 1)]!.slice(0, 64);
}
