// Step 6: the rewritten request goes to MAS through http-proxy-3. The body is always sent from the
// buffer the proxy read (the original bytes when no rule changed it) with a matching content-length,
// never written in the proxyReq event.
//
// A request is sent again only when MAS certainly did not act on it: a 401 (renew the credentials,
// retry once), a 429 (wait as MAS asks, within a bound), or a GET cut before any answer. Anything
// else that goes wrong becomes one SCIM error for Entra, which retries on its own schedule.
import type { ClientRequest, IncomingMessage } from 'node:http';
import https from 'node:https';
import { type Duplex, Readable } from 'node:stream';
import type { RequestHandler } from 'express';
import { createProxyServer } from 'http-proxy-3';
import { type BoundedRead, readUpTo } from '../bounded-read.ts';
import { http } from '../node-http.ts';
import type { EngineOptions } from '../rules/action.ts';
import { applyRules, relevantRules } from '../rules/apply.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../scim/json.ts';
import { formatQuery } from '../scim/query.ts';
import type { Credentials } from './credentials.ts';
import { headersToMas } from './headers.ts';
import { jsonOf, sendBody, streamRest } from './response.ts';
import { retryAfterMs } from './retry-after.ts';
import {
  credentialsRejectedError,
  cutError,
  interimAnswerError,
  notScimError,
  throttledError,
  timeoutError,
  tooDeepError,
  unreachableError,
} from './upstream-error.ts';

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

/** 429s waited out before Entra is told to come back later. */
const THROTTLE_RETRIES = 2;
/** The longest Retry-After honoured in place (and never past UPSTREAM_TIMEOUT_MS in all): Entra gives up after 60 s. */
const THROTTLE_WAIT_LIMIT_MS = 10_000;
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * What the proxy's shared event handlers need of one exchange, kept on its request: one object
 * instead of an entry in each of three WeakMaps, which the garbage collector must treat as
 * ephemerons on every collection.
 */
interface InFlight {
  onResponse: ((upstream: IncomingMessage) => void) | undefined;
  outgoing: ClientRequest | undefined;
  onInterim: (status: number | undefined) => void;
}
const IN_FLIGHT = Symbol('scim-proxy in flight');
type ForwardedRequest = IncomingMessage & { [IN_FLIGHT]?: InFlight };
const inFlightOf = (req: IncomingMessage): InFlight | undefined => (req as ForwardedRequest)[IN_FLIGHT];

/**
 * The body as the one chunk of a stream. Readable.from of a Buffer pushes it whole; of an array it
 * would go through an async iterator, a promise and a tick per item, on every request.
 */
const bodyStream = (payload: Buffer): Readable =>
  payload.length > 0 ? Readable.from(payload) : new Readable({ read: endStream });
function endStream(this: Readable): void {
  this.push(null);
}
interface Attempt {
  renewed: boolean;
  throttled: number;
  reset: boolean;
}

export function forwarder(options: ForwarderOptions): RequestHandler {
  const { masUrl, timeoutMs, credentials } = options;
  const agent =
    masUrl.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const proxy = createProxyServer({
    target: masUrl.href,
    changeOrigin: true,
    agent,
    xfwd: false,
    selfHandleResponse: true,
  });
  proxy.on('proxyRes', (upstream, req) => inFlightOf(req)?.onResponse?.(upstream));
  proxy.on('proxyReq', (proxyReq, req) => {
    const state = inFlightOf(req);
    if (state) state.outgoing = proxyReq;
    // SCIM has no interim answers and the proxy never asks for an upgrade: a 1xx or 101 from MAS
    // would hold the exchange (and its MAS slot) open outside every rule, so the connection goes.
    const interim = (status: number | undefined, socket?: Duplex) => {
      state?.onInterim(status);
      socket?.destroy();
      proxyReq.destroy();
    };
    proxyReq.on('information', (info) => interim(info.statusCode, proxyReq.socket ?? undefined));
    proxyReq.on('upgrade', (answer, socket) => interim(answer.statusCode, socket));
  });

  return async function forward(req, res, next) {
    const exchange = res.locals.exchange;
    const rewritten = exchange.rewritten ?? exchange.original;
    const raw = res.locals.rawBody;
    // The engine hands back the original objects for what no rule touched.
    const payload = rewritten.body === exchange.original.body ? raw : Buffer.from(JSON.stringify(rewritten.body));
    const parsedQuery = res.locals.query;
    const query =
      rewritten.query === exchange.original.query ? parsedQuery.raw : formatQuery(parsedQuery, rewritten.query);
    const resource = exchange.target?.resource ?? '';
    const rules = res.locals.rules;
    const rewritesResponse = relevantRules(rules, 'response', req.method, resource).length > 0;

    req.url = `${exchange.target?.path}${query ? `?${query}` : ''}`;
    req.headers = headersToMas(req.headers, {
      callerAuthorization: !options.dropCallerAuthorization,
      requestId: exchange.id,
      contentLength: payload.length > 0 || req.headers['content-length'] !== undefined ? payload.length : undefined,
    });

    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      clearTimeout(deadline);
      next(error);
    };
    // One deadline for the whole exchange with MAS, retries and the answer's last byte included: an
    // idle timer would let a MAS that trickles a byte every few seconds hold the slot for ever.
    const state: InFlight = {
      onResponse: undefined,
      outgoing: undefined,
      onInterim: (status) => {
        exchange.upstreamError = 'interim';
        exchange.upstreamStatus = undefined;
        fail(interimAnswerError(status));
      },
    };
    (req as ForwardedRequest)[IN_FLIGHT] = state;
    const deadline = setTimeout(() => {
      exchange.upstreamError = 'timeout';
      exchange.upstreamStatus = undefined;
      fail(timeoutError(timeoutMs));
      state.outgoing?.destroy();
    }, timeoutMs);
    // 'close' comes once per response: `on` spares the wrapper `once` builds.
    res.on('close', () => clearTimeout(deadline));
    const elapsedMs = () => performance.now() - (exchange.forwardedAtMs ?? 0);
    const brokenConnection = (error: unknown, answered: boolean) => {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const timedOut = elapsedMs() >= timeoutMs;
      exchange.upstreamError = timedOut ? 'timeout' : code;
      exchange.upstreamStatus = undefined;
      if (timedOut) return timeoutError(timeoutMs);
      return answered ? cutError(masUrl, error) : unreachableError(masUrl, code, error);
    };
    const again = (attempt: Attempt, reason: RetryReason, waitMs = 0) => {
      options.onRetry?.(reason);
      setTimeout(() => {
        if (!res.destroyed && !failed) send(attempt).catch(fail);
      }, waitMs);
    };

    const firstSentAt = performance.now();
    const send = async (attempt: Attempt): Promise<void> => {
      const authorization = await credentials.authorization();
      if (authorization) req.headers.authorization = authorization;
      exchange.forwardedAtMs = performance.now();
      state.onResponse = (upstream) => {
        exchange.upstreamStatus = upstream.statusCode;
        exchange.upstreamMs = elapsedMs();
        const status = upstream.statusCode ?? 502;
        if (status === 401 && !attempt.renewed && credentials.renewable) {
          upstream.resume();
          credentials
            .renewAfterRejection(authorization)
            .then(() => again({ ...attempt, renewed: true }, 'credentials'))
            .catch(fail);
          return;
        }
        const waitMs = status === 429 ? (retryAfterMs(upstream.headers['retry-after']) ?? 1000) : 0;
        const budgetLeftMs = timeoutMs - (performance.now() - firstSentAt);
        if (
          status === 429 &&
          attempt.throttled < THROTTLE_RETRIES &&
          waitMs <= Math.min(THROTTLE_WAIT_LIMIT_MS, budgetLeftMs)
        ) {
          upstream.resume();
          again({ ...attempt, throttled: attempt.throttled + 1 }, 'throttled', waitMs);
          return;
        }
        respond(upstream, waitMs).catch(fail);
      };
      proxy.web(req, res, { buffer: bodyStream(payload) }, (error) => {
        const code = (error as NodeJS.ErrnoException).code;
        // A GET that lost its connection before MAS answered changed nothing: send it once more.
        if (code === 'ECONNRESET' && SAFE_METHODS.has(req.method) && !attempt.reset && elapsedMs() < timeoutMs) {
          again({ ...attempt, reset: true }, 'reset');
          return;
        }
        fail(brokenConnection(error, false));
      });
    };

    const respond = async (upstream: IncomingMessage, throttledMs: number) => {
      const status = upstream.statusCode ?? 502;
      if (status === 401 && options.dropCallerAuthorization) {
        upstream.resume();
        throw credentialsRejectedError(credentials.renewable);
      }
      if (status === 429) {
        upstream.resume();
        throw throttledError(Math.max(1, Math.ceil(throttledMs / 1000)));
      }
      let answer: BoundedRead;
      try {
        answer = await readUpTo(upstream, options.responseLimitBytes);
      } catch (error) {
        throw brokenConnection(error, true);
      }
      if (!answer.complete) {
        upstream.once('end', () => clearTimeout(deadline));
        return streamRest(upstream, res, answer.chunks, masUrl);
      }
      clearTimeout(deadline);
      const body = Buffer.concat(answer.chunks);
      exchange.answer = body;
      // Parsed only where it matters: to tell a SCIM error from a router's page, or for response rules.
      if (status >= 400 && (body.length === 0 || jsonOf(upstream, body) === undefined)) {
        throw notScimError(status, upstream.headers['content-type'], upstream.headers['retry-after']);
      }
      const json = rewritesResponse && status < 300 && body.length > 0 ? jsonOf(upstream, body) : undefined;
      if (json === undefined) return sendBody(upstream, res, body, masUrl);
      // The response rules walk the answer recursively; a SCIM answer nests a handful of levels.
      if (nestedDeeperThan(body, MAX_JSON_DEPTH)) throw tooDeepError(MAX_JSON_DEPTH);
      const result = applyRules(
        rules,
        { method: req.method, resource, id: exchange.target?.id, query: {}, body: json, request: exchange.original },
        options.engineOptions,
        'response',
      );
      exchange.responseApplied = result.applied;
      sendBody(upstream, res, result.applied.length > 0 ? Buffer.from(JSON.stringify(result.body)) : body, masUrl);
    };

    await send({ renewed: false, throttled: 0, reset: false });
  };
}
