// Step 6: the rewritten request goes to MAS through http-proxy-3, and MAS's answer streams back
// unchanged. The body is always sent from the buffer the proxy read (the original bytes when no rule
// changed it), with a content-length that matches: never written in the proxyReq event.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { RequestHandler } from 'express';
import { createProxyServer } from 'http-proxy-3';
import { ScimError } from '../scim/error.ts';
import { jsonEqual } from '../scim/json.ts';
import { formatQuery, type ParsedQuery } from '../scim/query.ts';
import type { Credentials } from './credentials.ts';

export interface ForwarderOptions {
  masUrl: URL;
  timeoutMs: number;
  credentials: Credentials;
  /** True when the proxy checked the caller's token itself: that token must never reach MAS. */
  dropCallerAuthorization: boolean;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function forwarder({
  masUrl,
  timeoutMs,
  credentials,
  dropCallerAuthorization,
}: ForwarderOptions): RequestHandler {
  const secure = masUrl.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const proxy = createProxyServer({
    target: masUrl.href,
    changeOrigin: true,
    agent,
    proxyTimeout: timeoutMs,
    xfwd: false,
  });
  proxy.on('proxyRes', (proxyRes, _req, res) => {
    const exchange = (res as unknown as { locals?: Express.Locals }).locals?.exchange;
    if (!exchange || exchange.forwardedAtMs === undefined) return;
    exchange.upstreamStatus = proxyRes.statusCode;
    exchange.upstreamMs = performance.now() - exchange.forwardedAtMs;
  });

  return async function forward(req, res, next) {
    const exchange = res.locals.exchange;
    const rewritten = exchange.rewritten ?? exchange.original;
    const raw: Buffer = res.locals.rawBody ?? Buffer.alloc(0);
    const payload = jsonEqual(rewritten.body, exchange.original.body)
      ? raw
      : Buffer.from(JSON.stringify(rewritten.body));
    const parsedQuery: ParsedQuery = res.locals.query;
    const query = jsonEqual(rewritten.query, exchange.original.query)
      ? parsedQuery.raw
      : formatQuery(parsedQuery, rewritten.query);
    req.url = `${exchange.target?.path}${query ? `?${query}` : ''}`;

    if (dropCallerAuthorization) delete req.headers.authorization;
    const authorization = await credentials.authorization();
    if (authorization) req.headers.authorization = authorization;
    delete req.headers['transfer-encoding'];
    if (payload.length > 0 || req.headers['content-length'] !== undefined)
      req.headers['content-length'] = String(payload.length);
    req.headers['x-request-id'] = exchange.id;

    const started = performance.now();
    exchange.forwardedAtMs = started;
    proxy.web(req, res, { buffer: Readable.from(payload.length > 0 ? [payload] : []) }, (error) => {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const timedOut = performance.now() - started >= timeoutMs;
      exchange.upstreamError = timedOut ? 'timeout' : code;
      next(
        timedOut
          ? new ScimError(
              504,
              `MAS did not answer within ${timeoutMs} ms (UPSTREAM_TIMEOUT_MS); check MAS's health. Entra will retry.`,
              {
                code: 'upstream_timeout',
              },
            )
          : new ScimError(
              502,
              UNREACHABLE.has(code)
                ? `MAS at ${masUrl.origin} could not be reached (${code}); check MAS_URL and that MAS is running.`
                : `The connection to MAS at ${masUrl.origin} failed (${code}); check MAS's logs and its TLS certificate (NODE_EXTRA_CA_CERTS).`,
              { code: 'upstream_unreachable', cause: error },
            ),
      );
    });
  };
}
