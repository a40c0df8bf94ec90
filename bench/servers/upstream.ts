// The fastest SCIM server we can write: it reads the request and answers at once with a fixed,
// pre-encoded body, so the benchmark measures the proxies in front of it and not the upstream.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveParent } from '../child.ts';
import { BENCH_USER, LARGE_GROUP_PATH, userList } from '../workloads.ts';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const LIST = json(userList());
const CREATED = json(BENCH_USER);
/** A group with as many members as fit in LARGE_ANSWER_BYTES: the largest answer the proxy reads whole. */
const LARGE_ANSWER_BYTES = Number(process.argv[2] ?? 0);
let large: Buffer | undefined;
function largeGroup(): Buffer {
  if (large) return large;
  const member = (i: number) => {
    const id = `u${String(i).padStart(10, '0')}`;
    return { value: id, display: `User ${id}`, $ref: `https://mas.example/maximo/api/scim/v2/Users/${id}` };
  };
  const perMember = JSON.stringify(member(0)).length + 1;
  const members = Array.from({ length: Math.floor((LARGE_ANSWER_BYTES - 200) / perMember) }, (_, i) => member(i));
  large = json({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id: 'large',
    displayName: 'LARGE',
    members,
  });
  return large;
}
const TYPE = { 'content-type': 'application/scim+json' };

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    // Anything else means a proxy in front sent the wrong path: counted as a failure.
    if (!req.url?.startsWith('/scim/v2/')) res.writeHead(404).end();
    else if (req.method === 'GET' && req.url.endsWith(LARGE_GROUP_PATH)) {
      const body = largeGroup();
      res.writeHead(200, { ...TYPE, 'content-length': body.length }).end(body);
    } else if (req.method === 'GET') res.writeHead(200, { ...TYPE, 'content-length': LIST.length }).end(LIST);
    else if (req.method === 'POST') res.writeHead(201, { ...TYPE, 'content-length': CREATED.length }).end(CREATED);
    else res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  serveParent({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
