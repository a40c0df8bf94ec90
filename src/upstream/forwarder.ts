// Step 6: the rewritten request goes to MAS through http-proxy-3. The body is always sent from the
// buffer the proxy read (the original bytes when no rule changed it) with a matching content-length,
// never written in the proxyReq event. A 401 from MAS renews the credentials and retries once: MAS
// rejected the request before acting on it, so sending it again is safe.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { RequestHandler, Response } from 'express';
import { createProxyServer } from 'http-proxy-3';
import type { EngineOptions } from '../rules/action.ts';
import { applyRules } from '../rules/apply.ts';
import { appliesTo, type Rule } from '../rules/rule.ts';
import { ScimError } from '../scim/error.ts';
import { formatQuery, type ParsedQuery } from '../scim/query.ts';
import type { Credentials } from './credentials.ts';
import { readJson, sendBody, streamResponse } from './response.ts';

export interface ForwarderOptions {
  masUrl: URL;
  timeoutMs: number;
  credentials: Credentials;
  /** True when the proxy checked the caller's token itself: that token must never reach MAS. */
  dropCallerAuthorization: boolean;
  rules: () => readonly Rule[];
  engineOptions: EngineOptions;
  /** Largest MAS answer read whole for response rules; larger ones pass through unchanged. */
  responseLimitBytes: number;
}

type OnResponse = (upstream: IncomingMessage) => void;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function forwarder(options: ForwarderOptions): RequestHandler {
  const { masUrl, timeoutMs, credentials } = options;
  const agent =
    masUrl.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const proxy = createProxyServer({
    target: masUrl.href,
    changeOrigin: true,
    agent,
    proxyTimeout: timeoutMs,
    xfwd: false,
    selfHandleResponse: true,
  });
  const pending = new WeakMap<IncomingMessage, OnResponse>();
  proxy.on('proxyRes', (upstream, req) => pending.get(req)?.(upstream));

  return async function forward(req, res, next) {
    const exchange = res.locals.exchange;
    const rewritten = exchange.rewritten ?? exchange.original;
    const raw: Buffer = res.locals.rawBody ?? Buffer.alloc(0);
    // The engine hands back the original objects for what no rule touched.
    const payload = rewritten.body === exchange.original.body ? raw : Buffer.from(JSON.stringify(rewritten.body));
    const parsedQuery: ParsedQuery = res.locals.query;
    const query =
      rewritten.query === exchange.original.query ? parsedQuery.raw : formatQuery(parsedQuery, rewritten.query);
    const resource = exchange.target?.resource ?? '';
    const rewritesResponse = options.rules().some((r) => appliesTo(r, 'response', req.method, resource));

    req.url = `${exchange.target?.path}${query ? `?${query}` : ''}`;
    if (options.dropCallerAuthorization) delete req.headers.authorization;
    delete req.headers['transfer-encoding'];
    if (rewritesResponse) delete req.headers['accept-encoding'];
    if (payload.length > 0 || req.headers['content-length'] !== undefined)
      req.headers['content-length'] = String(payload.length);
    req.headers['x-request-id'] = exchange.id;

    const send = async (retried: boolean): Promise<void> => {
      const authorization = await credentials.authorization();
      if (authorization) req.headers.authorization = authorization;
      exchange.forwardedAtMs = performance.now();
      pending.set(req, (upstream) => {
        exchange.upstreamStatus = upstream.statusCode;
        exchange.upstreamMs = performance.now() - (exchange.forwardedAtMs ?? 0);
        if (upstream.statusCode === 401 && !retried && credentials.renewable) {
          upstream.resume();
          credentials
            .renewAfterRejection(authorization)
            .then(() => send(true))
            .catch(next);
          return;
        }
        respond(upstream, res).catch(next);
      });
      proxy.web(req, res, { buffer: Readable.from(payload.length > 0 ? [payload] : []) }, (error) => {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        const timedOut = performance.now() - (exchange.forwardedAtMs ?? 0) >= timeoutMs;
        exchange.upstreamError = timedOut ? 'timeout' : code;
        next(timedOut ? timeoutError(timeoutMs) : unreachableError(masUrl, code, error));
      });
    };

    const respond = async (upstream: IncomingMessage, out: Response) => {
      if (!rewritesResponse || (upstream.statusCode ?? 500) >= 300) return streamResponse(upstream, out);
      const { raw: answer, json } = await readJson(upstream, options.responseLimitBytes);
      if (json === undefined) return sendBody(upstream, out, answer);
      const result = applyRules(
        options.rules(),
        { method: req.method, resource, id: exchange.target?.id, query: {}, body: json, request: exchange.original },
        options.engineOptions,
        'response',
      );
      exchange.responseApplied = result.applied;
      sendBody(upstream, out, result.applied.length > 0 ? Buffer.from(JSON.stringify(result.body)) : answer);
    };

    await send(false);
  };
}

const timeoutError = (timeoutMs: number) =>
  new ScimError(
    504,
    `MAS did not answer within ${timeoutMs} ms (UPSTREAM_TIMEOUT_MS); check MAS's health. Entra will retry.`,
    {
      code: 'upstream_timeout',
    },
  );

const unreachableError = (masUrl: URL, code: string, cause: unknown) =>
  new ScimError(
    502,
    UNREACHABLE.has(code)
      ? `MAS at ${masUrl.origin} could not be reached (${code}); check MAS_URL and that MAS is running.`
      : `The connection to MAS at ${masUrl.origin} failed (${code}); check MAS's logs and its TLS certificate (NODE_EXTRA_CA_CERTS).`,
    { code: 'upstream_unreachable', cause },
  );
