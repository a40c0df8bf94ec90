import type { IncomingMessage } from 'node:http';

/**
 * The caller's address, seen through `trustedHops` proxies in front (the OpenShift router is one):
 * each appends the address it saw to X-Forwarded-For, so only the last `trustedHops` entries are
 * theirs; anything before them the caller wrote itself.
 */
export function sourceAddress(req: IncomingMessage, trustedHops: number): string {
  const direct = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return direct;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = [...forwarded, direct];
  return chain[Math.max(0, chain.length - 1 - trustedHops)] ?? direct;
}
