// Step 6: the rewritten request goes to MAS through http-proxy-3, one MasExchange per request.
import https from 'node:https';
import type { RequestHandler } from 'express';
import { createProxyServer } from 'http-proxy-3';
import { http } from '../node-http.ts';
import type { EngineOptions } from '../rules/action.ts';
import { formatQuery } from '../scim/query.ts';
import type { Credentials } from './credentials.ts';
import { headersToMas } from './headers.ts';
import { MasExchange, onProxyRequest, onProxyResponse, type Upstream } from './mas-exchange.ts';

export interface ForwarderOptions {
  masUrl: URL;
  timeoutMs: number;
  credentials: Credentials;
  /** True when the proxy checked the caller's token itself: that token must never reach MAS. */
  dropCallerAuthorization: boolean;
  engineOptions: EngineOptions;
  /** Largest MAS answer read whole; larger ones are streamed through unchanged. */
  responseLimitBytes: number;
  onRetry?: (reason: RetryReason) => void;
}

export type RetryReason = 'credentials' | 'throttled' | 'reset';

export function forwarder(options: ForwarderOptions): RequestHandler {
  const { masUrl } = options;
  const agent =
    masUrl.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const proxy = createProxyServer({
    target: masUrl.href,
    changeOrigin: true,
    agent,
    xfwd: false,
    selfHandleResponse: true,
  });
  proxy.on('proxyRes', onProxyResponse);
  proxy.on('proxyReq', onProxyRequest);
  const upstream: Upstream = { options, proxy };

  return function forward(req, res, next) {
    const exchange = res.locals.exchange;
    const rewritten = exchange.rewritten ?? exchange.original;
    const raw = res.locals.rawBody;
    // The engine hands back the original objects for what no rule touched.
    const payload = rewritten.body === exchange.original.body ? raw : Buffer.from(JSON.stringify(rewritten.body));
    const parsedQuery = res.locals.query;
    const query =
      rewritten.query === exchange.original.query ? parsedQuery.raw : formatQuery(parsedQuery, rewritten.query);
    req.url = `${exchange.target?.path}${query ? `?${query}` : ''}`;
    req.headers = headersToMas(req.headers, {
      callerAuthorization: !options.dropCallerAuthorization,
      requestId: exchange.id,
      contentLength: payload.length > 0 || req.headers['content-length'] !== undefined ? payload.length : undefined,
    });
    new MasExchange(upstream, req, res, next, payload).start();
  };
}
