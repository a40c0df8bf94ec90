// scim-proxy wired as main.ts wires it (metrics, audit trail, operational log), in front of a
// recording MAS stand-in, with every line it writes kept for the test to read back.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { TestContext } from 'node:test';
import { Registry } from 'prom-client';
import type { ExchangeObserver } from '../../src/exchange.ts';
import { createAuditLog } from '../../src/observe/audit.ts';
import { createLogger } from '../../src/observe/logger.ts';
import { createMetrics } from '../../src/observe/metrics.ts';
import { ENTRA_TOKEN, MAS_TOKEN, startProxy } from '../support/proxy.ts';
import { startUpstream, type Upstream, type UpstreamBehaviour } from '../support/upstream.ts';
import { type RawResponse, rawRequest, sendRaw } from './raw-http.ts';

export { ENTRA_TOKEN, MAS_TOKEN };
export const AUTH = `Bearer ${ENTRA_TOKEN}`;

/**
 * The headers MAS may receive, written out rather than imported from the code they check: SCIM's
 * own, the proxy's credentials and request id, and the proxy's connection to MAS.
 */
export const HEADERS_MAS_MAY_RECEIVE: ReadonlySet<string> = new Set([
  'host',
  'accept',
  'content-type',
  'content-length',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'user-agent',
  'authorization',
  'x-request-id',
  'connection',
]);

export interface GuardedProxy {
  url: string;
  /** `127.0.0.1:<port>`, for raw requests' Host header. */
  host: string;
  mas: Upstream;
  registry: Registry;
  /** Every log and audit line written so far. */
  lines(): string[];
  /** A good request and /livez both answer 200: the process is up and still serving. */
  stillServes(): Promise<boolean>;
}

export async function startGuardedProxy(
  t: TestContext,
  env: Record<string, string> = {},
  extraObservers: readonly ExchangeObserver[] = [],
  masBehaviour: UpstreamBehaviour = {},
): Promise<GuardedProxy> {
  const mas = await startUpstream(masBehaviour);
  const written: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => written.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: 'test' });
  const audit = createAuditLog({ stream: sink, hashPersonalData: false });
  const { service } = await startProxy(mas.url, env, [audit, ...extraObservers], {
    metrics,
    logger: createLogger({ level: 'debug', stream: sink }),
  });
  t.after(async () => {
    await service.drain();
    await mas.close();
  });
  const url = `http://127.0.0.1:${service.port}`;
  return {
    url,
    host: `127.0.0.1:${service.port}`,
    mas,
    registry,
    lines: () => [...written],
    async stillServes() {
      const good = await fetch(`${url}/scim/v2/p1/Users?filter=userName+eq+%22still-up%22`, {
        headers: { authorization: AUTH },
      });
      await good.arrayBuffer();
      const live = await fetch(`${url}/livez`);
      await live.arrayBuffer();
      return good.status === 200 && live.status === 200;
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A request through fetch, authenticated, with a SCIM JSON body when one is given (a string or bytes as they are, anything else as JSON). */
export async function send(
  p: GuardedProxy,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const res = await fetch(`${p.url}${path}`, {
    method,
    headers: {
      authorization: AUTH,
      ...(body !== undefined && { 'content-type': 'application/scim+json' }),
      ...headers,
    },
    ...(body !== undefined && { body: payload }),
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

/**
 * A request written byte for byte, for what fetch refuses to send: `lines` are the request line and
 * headers; Host is added when absent, Content-Length when there is a body and no framing header.
 */
export function raw(p: GuardedProxy, lines: string[], body: string | Buffer = ''): Promise<RawResponse> {
  const head = lines.some((line) => /^host:/i.test(line)) ? lines : [...lines, `Host: ${p.host}`];
  const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const withLength =
    bytes.length > 0 && !head.some((line) => /^(content-length|transfer-encoding):/i.test(line))
      ? [...head, `Content-Length: ${bytes.length}`]
      : head;
  return sendRaw(p.url, Buffer.concat([Buffer.from(rawRequest(withLength), 'latin1'), bytes]), { timeoutMs: 15_000 });
}

export interface ScimErrorBody {
  schemas: string[];
  status: string;
  scimType?: string;
  detail: string;
}

/** The answer is a SCIM error with this status, as SCIM JSON: its body. */
export function scimErrorOf(answer: Answer, status: number): ScimErrorBody {
  assert.equal(answer.status, status, answer.body);
  assert.match(answer.headers['content-type'] ?? '', /^application\/scim\+json/);
  const error = JSON.parse(answer.body) as ScimErrorBody;
  assert.deepEqual(error.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  assert.equal(error.status, String(status));
  return error;
}
