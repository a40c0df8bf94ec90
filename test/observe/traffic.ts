// Traffic for the observability tests: every Entra request in the corpus, the same with a wrong token
// and with none, bodies the proxy must reject, and requests the stand-in MAS fails or cuts.
import { readdirSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import { type SeenRequest, startUpstream, type Upstream } from '../support/upstream.ts';

export const ENTRA_TOKEN = 'entra-secret-token-4f1b9c';
export const WRONG_TOKEN = 'wrong-secret-token-77aa01';

interface CorpusRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

export function corpus(): CorpusRequest[] {
  const dir = new URL('../fixtures/entra/', import.meta.url);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => (JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as { request: CorpusRequest }).request);
}

/** A MAS stand-in: answers like a SCIM server, fails `/mas-fails` with 500 and cuts `/mas-drops`. */
export function startStandIn(): Promise<Upstream> {
  return startUpstream({
    respond(request: SeenRequest, res: http.ServerResponse) {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/scim+json' }).end(JSON.stringify(body));
      if (request.path.endsWith('/mas-drops')) res.socket?.destroy();
      else if (request.path.endsWith('/mas-fails'))
        json(500, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '500' });
      else if (request.method === 'GET')
        json(200, { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0, Resources: [] });
      else if (request.method === 'POST') json(201, { ...(request.body as object), id: 'created-1' });
      else res.writeHead(204).end();
    },
  });
}

async function send(
  base: string,
  request: CorpusRequest,
  authorization: string | undefined,
  rawBody?: string,
): Promise<number> {
  const url = new URL(request.path, base);
  for (const [key, value] of Object.entries(request.query)) url.searchParams.append(key, value);
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([key]) => key.toLowerCase() !== 'authorization'),
  );
  if (authorization) headers.authorization = authorization;
  const body = rawBody ?? (request.body == null ? undefined : JSON.stringify(request.body));
  const typed = Object.keys(headers).some((key) => key.toLowerCase() === 'content-type');
  if (body !== undefined && !typed) headers['content-type'] = 'application/scim+json';
  const res = await fetch(url, { method: request.method, headers, ...(body !== undefined && { body }) });
  await res.arrayBuffer();
  return res.status;
}

/** Sends one round of traffic; returns how many answers had each status. */
export async function sendTraffic(base: string): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const good = `Bearer ${ENTRA_TOKEN}`;
  const requests = corpus();
  for (const request of requests) count(await send(base, request, good));
  for (const request of requests) count(await send(base, request, `Bearer ${WRONG_TOKEN}`));
  for (const request of requests.slice(0, 5)) count(await send(base, request, undefined));
  const post = { method: 'POST', path: '/scim/v2/MasProfile1/Users', query: {}, headers: {}, body: null };
  count(await send(base, post, good, '{"userName": "broken'));
  count(await send(base, { ...post, method: 'PATCH', path: '/scim/v2/MasProfile1/Groups/g1' }, good, '[1, 2, 3]'));
  count(await send(base, { ...post, method: 'GET', path: '/not-scim/admin' }, good));
  const get = (path: string) => ({ method: 'GET', path, query: {}, headers: {}, body: null });
  for (let i = 0; i < 10; i++) count(await send(base, get('/scim/v2/MasProfile1/Users/mas-fails'), good));
  for (let i = 0; i < 5; i++) count(await send(base, get('/scim/v2/MasProfile1/Groups/mas-drops'), good));
  return statuses;
}
