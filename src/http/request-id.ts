import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { newExchange } from '../exchange.ts';

// Entra's own id lets an administrator find one provisioning step in both Entra's log and ours.
const SAFE_ID = /^[\w.:-]{1,128}$/;

/** Opens the exchange for this request and names it: Entra's client-request-id, or a new one. */
export function requestId(): RequestHandler {
  return function requestId(req, res, next) {
    const given = req.get('client-request-id');
    const id = given && SAFE_ID.test(given) ? given : randomUUID();
    const url = req.originalUrl;
    const queryAt = url.indexOf('?');
    res.locals.exchange = newExchange(id, req.method, queryAt < 0 ? url : url.slice(0, queryAt));
    res.locals.exchange.rawHeaders = req.rawHeaders;
    res.setHeader('x-request-id', id);
    next();
  };
}
