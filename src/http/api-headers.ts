import type { RequestHandler } from 'express';

/**
 * Headers that suit an API answering with personal data: nothing may be cached on the way, and no
 * client may sniff a JSON error into something it renders. MAS's own headers of these names never
 * reach Entra (upstream/headers.ts): a `Cache-Control: public` from MAS must not undo `no-store`.
 */
export const API_HEADERS = Object.freeze({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });

export function apiHeaders(): RequestHandler {
  // Set directly: Express's res.set walks the object and checks each name for Content-Type.
  return function apiHeaders(_req, res, next) {
    res.setHeader('cache-control', API_HEADERS['cache-control']);
    res.setHeader('x-content-type-options', API_HEADERS['x-content-type-options']);
    next();
  };
}
