// The route allow-list (src/scim/routes.ts), after the profile check: a request that names no
// profile is told so first. Answered here whatever the authentication mode; TRACE, OPTIONS and the
// rest are never on the list (TRACE would echo MAS's credentials back).
import type { RequestHandler } from 'express';
import { routeFor } from '../scim/routes.ts';

export function route(): RequestHandler {
  return function route(req, res, next) {
    const target = res.locals.exchange.target;
    if (!target) return next(new Error('route runs after scimTarget'));
    try {
      routeFor(target, req.method);
    } catch (error) {
      return next(error);
    }
    next();
  };
}
