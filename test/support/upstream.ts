// A stand-in for MAS that answers like a SCIM server and records every request it receives,
// byte for byte, so tests can assert exactly what reached "MAS".
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  rawQuery: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  body: unknown;
}

export interface Upstream {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export interface UpstreamBehaviour {
  /** Answer after this long (to exercise UPSTREAM_TIMEOUT_MS). */
  delayMs?: number;
  /** Answer every request with this status and a SCIM error body. */
  status?: number;
  /** Full control over the answer. */
  respond?: (request: SeenRequest, res: http.ServerResponse) => void;
}

export async function startUpstream(behaviour: UpstreamBehaviour = {}): Promise<Upstream> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://upstream');
      let body: unknown = null;
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : null;
      } catch {
        body = { unparsable: raw.toString('utf8') };
      }
      const request: SeenRequest = {
        method: req.method ?? '',
        path: url.pathname,
        rawQuery: url.search.slice(1),
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        raw,
        body,
      };
      seen.push(request);
      const answer = () => (behaviour.respond ?? defaultAnswer(behaviour.status))(request, res);
      if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function defaultAnswer(status: number | undefined) {
  return (request: SeenRequest, res: http.ServerResponse) => {
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/scim+json' });
      res.end(JSON.stringify(body));
    };
    if (status)
      return json(status, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status) });
    if (request.method === 'GET') {
      return json(200, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
        Resources: [],
      });
    }
    if (request.method === 'POST') return json(201, { ...(request.body as object), id: 'created-1' });
    res.writeHead(204);
    res.end();
  };
}
