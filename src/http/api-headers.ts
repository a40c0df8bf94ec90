import type { RequestHandler } from 'express';

/**
 * Headers that suit an API answering with personal data: nothing may be cached on the way, and no
 * client may sniff a JSON error into something it renders. MAS's own headers of these names never
 * reach Entra (upstream/headers.ts): a `Cache-Control: public` from MAS must not undo `no-store`.
 */
export const API_HEADERS = Object.freeze({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });

export function apiHeaders(): RequestHandler {
  return function apiHeaders(_req, res, next) {
    res.set(API_HEADERS);
    next();
  };
}
