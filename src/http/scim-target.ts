import type { RequestHandler } from 'express';
import { ScimError } from '../scim/error.ts';
import { parseQuery } from '../scim/query.ts';
import { parseResourcePath } from '../scim/resource-path.ts';

/**
 * Admits only plain paths under /scim/v2/ (after resolving dot segments, encoded or not) and parses
 * the query. Everything else is answered here: the proxy never reaches another MAS API or host.
 */
export function scimTarget(): RequestHandler {
  return function scimTarget(req, res, next) {
    const url = req.originalUrl;
    const queryAt = url.indexOf('?');
    const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
    const target = parseResourcePath(rawPath);
    if (!target) {
      return next(
        new ScimError(
          404,
          `scim-proxy serves SCIM under /scim/v2/<profileId>/ only; ${req.method} ${rawPath.slice(0, 200)} is not one.`,
          {
            code: 'not_scim',
          },
        ),
      );
    }
    const exchange = res.locals.exchange;
    exchange.target = target;
    const query = parseQuery(queryAt < 0 ? '' : url.slice(queryAt + 1));
    res.locals.query = query;
    exchange.original = { query: query.values, body: null };
    next();
  };
}
