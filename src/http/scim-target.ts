import type { RequestHandler } from 'express';
import { ScimError } from '../scim/error.ts';
import { parseQuery } from '../scim/query.ts';
import { parseResourcePath } from '../scim/resource-path.ts';

// A server that honours these runs another method than the one the rules judged (a POST that is a PATCH).
const METHOD_OVERRIDES = ['x-http-method-override', 'x-http-method', 'x-method-override'];
// Tokens in a URL end up in access logs, MAS's included: RFC 6750's query form is never accepted.
const TOKEN_IN_QUERY = /^(access_token|authorization)$/i;

/**
 * Admits only plain paths under /scim/v2/ (after resolving dot segments, encoded or not) and a query
 * without credentials, and parses the query; the route allow-list (route.ts) follows. Everything else
 * is answered here: the proxy never reaches another MAS API or host.
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
    const override = METHOD_OVERRIDES.find((name) => req.headers[name] !== undefined);
    if (override) {
      return next(
        new ScimError(400, `The ${override} header is not accepted; send the request with its real method.`, {
          code: 'method_override',
          scimType: 'invalidSyntax',
        }),
      );
    }
    const exchange = res.locals.exchange;
    exchange.target = target;
    const query = parseQuery(queryAt < 0 ? '' : url.slice(queryAt + 1));
    const credential = query.names.find((name) => TOKEN_IN_QUERY.test(name));
    if (credential) {
      return next(
        new ScimError(
          400,
          `The query carries ${credential}; tokens in a URL end up in logs. Send "Authorization: Bearer <token>" instead.`,
          { code: 'token_in_query', scimType: 'invalidSyntax' },
        ),
      );
    }
    res.locals.query = query;
    exchange.original = { query: query.values, body: null };
    next();
  };
}
