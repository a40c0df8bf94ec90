// Step 6, one request's exchange with MAS. The body is always sent from the buffer the proxy read
// (the original bytes when no rule changed it) with a matching content-length, never written in the
// proxyReq event.
//
// A request is sent again only when MAS certainly did not act on it: a 401 (renew the credentials,
// retry once), a 429 (wait as MAS asks, within a bound), or a GET cut before any answer. Anything
// else that goes wrong becomes one SCIM error for Entra, which retries on its own schedule.
import type { ClientRequest, IncomingMessage, InformationEvent, ServerResponse } from 'node:http';
import { type Duplex, Readable } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import type { ProxyServer } from 'http-proxy-3';
import { type BoundedRead, readUpTo } from '../bounded-read.ts';
import type { Exchange } from '../exchange.ts';
import { applyRules, relevantRules } from '../rules/apply.ts';
import type { Rule } from '../rules/rule.ts';
import type { ScimError } from '../scim/error.ts';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../scim/json.ts';
import type { ForwarderOptions, RetryReason } from './forwarder.ts';
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

/** 429s waited out before Entra is told to come back later. */
const THROTTLE_RETRIES = 2;
/** The longest Retry-After honoured in place (and never past UPSTREAM_TIMEOUT_MS in all): Entra gives up after 60 s. */
const THROTTLE_WAIT_LIMIT_MS = 10_000;
const SAFE_METHODS = new Set(['GET', 'HEAD']);

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
const FIRST_ATTEMPT: Attempt = Object.freeze({ renewed: false, throttled: 0, reset: false });

/** What every exchange of one forwarder shares. */
export interface Upstream {
  options: ForwarderOptions;
  proxy: ProxyServer;
}

// The proxy's shared handlers find the exchange through its request (and MAS's request): one
// property instead of an entry in a WeakMap, which the garbage collector treats as an ephemeron.
const IN_FLIGHT = Symbol('scim-proxy exchange with MAS');
type Tagged<T> = T & { [IN_FLIGHT]?: MasExchange };
const inFlightOf = (message: IncomingMessage | ClientRequest): MasExchange | undefined =>
  (message as Tagged<typeof message>)[IN_FLIGHT];

/**
 * One request's exchange with MAS, its steps as methods rather than closures made per request.
 * Closures made per request and called from the proxy's shared handlers kept finished exchanges
 * alive in the young generation until they were promoted: measured under load with
 * --trace-gc-nvp, about 0.95 MB promoted at each scavenge (2 ms pauses, a mark-compact every
 * 1.5 s) against 5 KB (0.6 ms, none) when the shared handler calls a shared function.
 */
export class MasExchange {
  readonly upstream: Upstream;
  readonly req: Request;
  readonly res: Response;
  readonly next: NextFunction;
  readonly record: Exchange;
  readonly payload: Buffer;
  readonly rules: readonly Rule[];
  readonly resource: string;
  readonly firstSentAt = performance.now();
  /** The attempt in flight and the credentials it carries. */
  attempt = FIRST_ATTEMPT;
  authorization: string | undefined;
  outgoing: ClientRequest | undefined;
  failed = false;
  // One deadline for the whole exchange with MAS, retries and the answer's last byte included: an
  // idle timer would let a MAS that trickles a byte every few seconds hold the slot for ever.
  readonly deadline: NodeJS.Timeout;

  constructor(upstream: Upstream, req: Request, res: Response, next: NextFunction, payload: Buffer) {
    this.upstream = upstream;
    this.req = req;
    this.res = res;
    this.next = next;
    this.record = res.locals.exchange;
    this.payload = payload;
    this.rules = res.locals.rules;
    this.resource = this.record.target?.resource ?? '';
    (req as Tagged<Request>)[IN_FLIGHT] = this;
    this.deadline = setTimeout(onDeadline, upstream.options.timeoutMs, this);
    // 'close' comes once per response: `on` spares the wrapper `once` builds.
    res.on('close', clearDeadline);
  }

  /** Sends the first attempt; every outcome from here on reaches Entra through `res` or `next`. */
  start(): void {
    this.send(FIRST_ATTEMPT).catch((error: unknown) => this.fail(error));
  }

  fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    clearTimeout(this.deadline);
    this.next(error);
  }

  /** Records, for the audit and the metrics, that MAS gave no usable answer and why. */
  noAnswer(kind: string): void {
    this.record.upstreamError = kind;
    this.record.upstreamStatus = undefined;
  }

  elapsedMs(): number {
    return performance.now() - (this.record.forwardedAtMs ?? 0);
  }

  brokenConnection(error: unknown, answered: boolean): ScimError {
    const { masUrl, timeoutMs } = this.upstream.options;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const timedOut = this.elapsedMs() >= timeoutMs;
    this.noAnswer(timedOut ? 'timeout' : code);
    if (timedOut) return timeoutError(timeoutMs);
    return answered ? cutError(masUrl, error) : unreachableError(masUrl, code, error);
  }

  again(attempt: Attempt, reason: RetryReason, waitMs = 0): void {
    this.upstream.options.onRetry?.(reason);
    setTimeout(sendAgain, waitMs, this, attempt);
  }

  async send(attempt: Attempt): Promise<void> {
    const authorization = await this.upstream.options.credentials.authorization();
    if (authorization) this.req.headers.authorization = authorization;
    this.attempt = attempt;
    this.authorization = authorization;
    this.record.forwardedAtMs = performance.now();
    this.upstream.proxy.web(this.req, this.res, { buffer: bodyStream(this.payload) }, onProxyError);
  }

  onConnectionError(error: Error): void {
    const code = (error as NodeJS.ErrnoException).code;
    const { attempt, req } = this;
    // A GET that lost its connection before MAS answered changed nothing: send it once more.
    if (
      code === 'ECONNRESET' &&
      SAFE_METHODS.has(req.method) &&
      !attempt.reset &&
      this.elapsedMs() < this.upstream.options.timeoutMs
    ) {
      this.again({ ...attempt, reset: true }, 'reset');
      return;
    }
    this.fail(this.brokenConnection(error, false));
  }

  onResponse(answer: IncomingMessage): void {
    const { attempt, record } = this;
    const { credentials, timeoutMs } = this.upstream.options;
    record.upstreamStatus = answer.statusCode;
    record.upstreamMs = this.elapsedMs();
    const status = answer.statusCode ?? 502;
    if (status === 401 && !attempt.renewed && credentials.renewable) {
      answer.resume();
      credentials
        .renewAfterRejection(this.authorization)
        .then(() => this.again({ ...attempt, renewed: true }, 'credentials'))
        .catch((error: unknown) => this.fail(error));
      return;
    }
    const waitMs = status === 429 ? (retryAfterMs(answer.headers['retry-after']) ?? 1000) : 0;
    const budgetLeftMs = timeoutMs - (performance.now() - this.firstSentAt);
    if (
      status === 429 &&
      attempt.throttled < THROTTLE_RETRIES &&
      waitMs <= Math.min(THROTTLE_WAIT_LIMIT_MS, budgetLeftMs)
    ) {
      answer.resume();
      this.again({ ...attempt, throttled: attempt.throttled + 1 }, 'throttled', waitMs);
      return;
    }
    this.respond(answer, waitMs).catch((error: unknown) => this.fail(error));
  }

  /** Interim answers (1xx, 101) are not SCIM: the connection goes, and Entra gets an error. */
  onInterim(status: number | undefined): void {
    this.noAnswer('interim');
    this.fail(interimAnswerError(status));
  }

  async respond(answer: IncomingMessage, throttledMs: number): Promise<void> {
    const { options } = this.upstream;
    const { req, res, record, resource } = this;
    const status = answer.statusCode ?? 502;
    if (status === 401 && options.dropCallerAuthorization) {
      answer.resume();
      throw credentialsRejectedError(options.credentials.renewable);
    }
    if (status === 429) {
      answer.resume();
      throw throttledError(Math.max(1, Math.ceil(throttledMs / 1000)));
    }
    let read: BoundedRead;
    try {
      read = await readUpTo(answer, options.responseLimitBytes);
    } catch (error) {
      throw this.brokenConnection(error, true);
    }
    if (!read.complete) {
      answer.once('end', () => clearTimeout(this.deadline));
      return streamRest(answer, res, read.chunks, options.masUrl);
    }
    clearTimeout(this.deadline);
    const body = Buffer.concat(read.chunks);
    record.answer = body;
    // Parsed only where it matters: to tell a SCIM error from a router's page, or for response rules.
    if (status >= 400 && (body.length === 0 || jsonOf(answer, body) === undefined)) {
      throw notScimError(status, answer.headers['content-type'], answer.headers['retry-after']);
    }
    const rewritesResponse = relevantRules(this.rules, 'response', req.method, resource).length > 0;
    const json = rewritesResponse && status < 300 && body.length > 0 ? jsonOf(answer, body) : undefined;
    if (json === undefined) return sendBody(answer, res, body, options.masUrl);
    // The response rules walk the answer recursively; a SCIM answer nests a handful of levels.
    if (nestedDeeperThan(body, MAX_JSON_DEPTH)) throw tooDeepError(MAX_JSON_DEPTH);
    const result = applyRules(
      this.rules,
      { method: req.method, resource, id: record.target?.id, query: {}, body: json, request: record.original },
      options.engineOptions,
      'response',
    );
    record.responseApplied = result.applied;
    const sent = result.applied.length > 0 ? Buffer.from(JSON.stringify(result.body)) : body;
    sendBody(answer, res, sent, options.masUrl);
  }
}

// The shared handlers: one function each for every exchange (see MasExchange).
function onDeadline(exchange: MasExchange): void {
  const { timeoutMs } = exchange.upstream.options;
  exchange.noAnswer('timeout');
  exchange.fail(timeoutError(timeoutMs));
  exchange.outgoing?.destroy();
}
function clearDeadline(this: ServerResponse): void {
  const exchange = inFlightOf(this.req);
  if (exchange) clearTimeout(exchange.deadline);
}
function sendAgain(exchange: MasExchange, attempt: Attempt): void {
  if (exchange.res.destroyed || exchange.failed) return;
  exchange.send(attempt).catch((error: unknown) => exchange.fail(error));
}
function onProxyError(error: Error, req: IncomingMessage): void {
  inFlightOf(req)?.onConnectionError(error);
}
export function onProxyResponse(answer: IncomingMessage, req: IncomingMessage): void {
  inFlightOf(req)?.onResponse(answer);
}
// SCIM has no interim answers and the proxy never asks for an upgrade: a 1xx or 101 from MAS would
// hold the exchange (and its MAS slot) open outside every rule, so the connection goes.
export function onProxyRequest(outgoing: ClientRequest, req: IncomingMessage): void {
  const exchange = inFlightOf(req);
  if (!exchange) return;
  exchange.outgoing = outgoing;
  (outgoing as Tagged<ClientRequest>)[IN_FLIGHT] = exchange;
  outgoing.on('information', onInformation);
  outgoing.on('upgrade', onUpgrade);
}
function onInformation(this: ClientRequest, info: InformationEvent): void {
  interrupt(this, info.statusCode, this.socket ?? undefined);
}
function onUpgrade(this: ClientRequest, answer: IncomingMessage, socket: Duplex): void {
  interrupt(this, answer.statusCode, socket);
}
function interrupt(outgoing: ClientRequest, status: number | undefined, socket: Duplex | undefined): void {
  inFlightOf(outgoing)?.onInterim(status);
  socket?.destroy();
  outgoing.destroy();
}
