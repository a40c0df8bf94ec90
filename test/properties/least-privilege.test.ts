// What reaches MAS, by properties through the running proxy: generated requests mixing Entra's shapes
// with other spellings of resources and PatchOp names, methods, ids, hostile headers and group
// wipes. Whatever the proxy forwards must be something its rules have read: a canonical route and
// method, only allow-listed headers, PatchOp names as RFC 7644 spells them, and no change to a group
// that removes members it does not name. The expectations are written out here, not imported: the
// check must not share the code it checks. FC_SEED and FC_NUM_RUNS as in rewrite.test.ts.
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import fc from 'fast-check';
import { AUTH, HEADERS_MAS_MAY_RECEIVE, startGuardedProxy } from '../security/guarded-proxy.ts';
import type { SeenRequest } from '../support/upstream.ts';
import { groupPatch, PATCH_OP, userPatch } from './arbitraries.ts';

const runs = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: Number(process.env.FC_NUM_RUNS) || numRuns,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
});

/** Canonical routes and the methods each takes: collection, then one resource. */
const ROUTES: Record<string, [string[], string[]]> = {
  Users: [
    ['GET', 'HEAD', 'POST'],
    ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'],
  ],
  Groups: [
    ['GET', 'HEAD', 'POST'],
    ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'],
  ],
  ServiceProviderConfig: [['GET', 'HEAD'], []],
  Schemas: [
    ['GET', 'HEAD'],
    ['GET', 'HEAD'],
  ],
  ResourceTypes: [
    ['GET', 'HEAD'],
    ['GET', 'HEAD'],
  ],
};
const HOSTILE_HEADERS: Record<string, string> = {
  cookie: 'LtpaToken2=x',
  apikey: 'k',
  'x-access-token': 't',
  maxauth: 'YTpi',
  'mas-jwt-expiry-duration': '99999',
  'proxy-authorization': 'Basic eA==',
  'x-forwarded-for': '10.0.0.1',
  forwarded: 'for=10.0.0.1',
  'x-real-ip': '10.0.0.1',
  te: 'trailers',
  upgrade: 'h2c',
  'http2-settings': 'AAMAAABkAAQAAP__',
  'keep-alive': 'timeout=600',
  connection: 'keep-alive, if-match',
  'if-match': 'W/"1"',
};
const URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const often = <T>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 5, arbitrary: usual }, { weight: 1, arbitrary: rare });

const wipe = fc.constantFrom<unknown>(
  { op: 'remove', path: 'members' },
  { op: 'remove', path: `${URN}:members` },
  { op: 'remove', path: 'members[value pr]' },
  { op: 'remove', path: 'members.value' },
  { op: 'replace', path: 'members', value: [{}] },
  { op: 'replace', value: { members: [] } },
  { op: 'replace', value: { Members: null } },
  { Op: 'remove', Path: 'members' },
  { op: 'remove\u0000', path: 'members' },
);
const mixedKeys = (value: unknown): fc.Arbitrary<unknown> =>
  often(fc.constant('same'), fc.constantFrom('lower', 'upper')).map((how) => {
    if (how === 'same' || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [how === 'lower' ? k.toLowerCase() : k.toUpperCase(), v]),
    );
  });
const patchBody = fc
  .tuple(
    fc.oneof(
      groupPatch.map((p) => (p.subject.body as { Operations: unknown[] }).Operations),
      userPatch.map((p) => (p.subject.body as { Operations: unknown[] }).Operations),
    ),
    fc.array(wipe, { maxLength: 1 }),
    often(fc.constant('Operations'), fc.constantFrom('operations', 'OPERATIONS')),
  )
  .chain(([ops, wipes, key]) =>
    fc.tuple(...[...ops, ...wipes].map(mixedKeys)).map((all) => ({ schemas: [PATCH_OP], [key]: all })),
  );
const groupBody = fc.constantFrom<unknown>(
  { displayName: 'G' },
  { displayName: 'G', members: [] },
  { displayName: 'G', members: [{ value: 'u1' }] },
  { displayName: 'G', Members: [{}] },
  { userName: 'a@b.c' },
);

const request = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'PATCH', 'PATCH', 'DELETE', 'OPTIONS'),
  profile: often(fc.constant('MasProfile1/'), fc.constant('')),
  resource: often(
    fc.constantFrom('Users', 'Groups', 'Groups'),
    fc.constantFrom(
      'Schemas',
      'ServiceProviderConfig',
      'ResourceTypes',
      'Profiles',
      'Bulk',
      'Me',
      'Applications',
      '.search',
    ),
  ).chain((name) => often(fc.constant(name), fc.mixedCase(fc.constant(name)))),
  id: often(
    fc.constantFrom<string | undefined>('u1', 'G1', undefined),
    fc.constantFrom('.search', '.SEARCH', '%2e%2e', 'a%252f', 'x%25252e%25252e'),
  ),
  headers: fc.subarray(Object.keys(HOSTILE_HEADERS), { maxLength: 4 }),
  body: fc.oneof(patchBody, groupBody),
  query: often(
    fc.constantFrom('', '?filter=userName+eq+%22a%22'),
    fc.constantFrom('?Filter=x&filter=y', '?a=1;access_token=x'),
  ),
});
type Generated = typeof request extends fc.Arbitrary<infer T> ? T : never;

function sendThrough(url: string, r: Generated): Promise<number> {
  const path = `/scim/v2/${r.profile}${r.resource}${r.id === undefined ? '' : `/${r.id}`}${r.query}`;
  const body = ['POST', 'PUT', 'PATCH'].includes(r.method) ? JSON.stringify(r.body) : '';
  const headers: Record<string, string> = { authorization: AUTH };
  for (const name of r.headers) headers[name] = HOSTILE_HEADERS[name] ?? '';
  if (body) Object.assign(headers, { 'content-type': 'application/scim+json', 'content-length': String(body.length) });
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method: r.method, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const lower = (value: unknown) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
/** A member list that names every member it keeps. */
const explicitList = (list: unknown) =>
  Array.isArray(list) &&
  list.length > 0 &&
  list.every((m) => typeof m === 'object' && m !== null && typeof (m as { value?: unknown }).value === 'string');
/** `members[value eq "<id>"]`, or an or-chain of those: the only member filters that name their members. */
const NAMED = /^members\[value eq "(?:[^"\\]|\\.)*"(?: or value eq "(?:[^"\\]|\\.)*")*\]$/;

/** What is wrong with one request as MAS received it, read as a lenient server would; undefined when nothing. */
function problemWith(seen: SeenRequest): string | undefined {
  const match = /^\/scim\/v2\/(?:MasProfile1\/)?([^/]+)(?:\/([^/]+))?$/.exec(seen.path);
  const route = match && ROUTES[match[1] ?? ''];
  if (!route) return `path ${seen.path} is not a canonical route`;
  if ((match[1] === 'Users' || match[1] === 'Groups') && !seen.path.startsWith('/scim/v2/MasProfile1/'))
    return 'no profile';
  if (!(match[2] === undefined ? route[0] : route[1]).includes(seen.method)) return `${seen.method} on ${seen.path}`;
  const stray = Object.keys(seen.headers).filter((name) => !HEADERS_MAS_MAY_RECEIVE.has(name));
  if (stray.length > 0) return `headers ${stray.join(', ')}`;
  if (seen.headers.authorization !== 'Bearer mas-token-for-tests') return 'not the proxy credentials';
  if (seen.headers.connection?.toLowerCase().includes('upgrade')) return 'an upgrade';
  const body = seen.body as Record<string, unknown> | null;
  if (seen.method === 'PUT' && match[1] === 'Groups') {
    const lists = Object.entries(body ?? {}).filter(([k]) => k.toLowerCase().endsWith('members'));
    if (lists.length !== 1 || !explicitList(lists[0]?.[1])) return 'a PUT without an explicit member list';
  }
  if (seen.method !== 'PATCH') return undefined;
  if (!body || !Array.isArray(body.Operations)) return 'no Operations list spelled Operations';
  if (Object.keys(body).some((k) => k !== 'Operations' && k.toLowerCase() === 'operations')) return 'two Operations';
  for (const op of body.Operations as Record<string, unknown>[]) {
    const keys = Object.keys(op);
    if (keys.some((k) => ['op', 'path', 'value'].includes(k.toLowerCase()) && k !== k.toLowerCase()))
      return `an op key in another spelling: ${keys.join(',')}`;
    if (!['add', 'remove', 'replace'].includes(op.op as string)) return `op ${JSON.stringify(op.op)}`;
    if (match[1] !== 'Groups') continue;
    const path = lower(op.path) as string | undefined;
    const onMembers =
      path !== undefined &&
      /^(urn:ietf:params:scim:schemas:core:2\.0:group:)?members\b/.test(path.replace(/\[.*$/s, ''));
    if (op.op === 'remove' && (path === undefined || (onMembers && !NAMED.test(op.path as string))))
      return `a remove that does not name its members: ${JSON.stringify(op)}`;
    if (op.op === 'replace' && onMembers && (path !== 'members' || !explicitList(op.value)))
      return `a replace of members without an explicit list: ${JSON.stringify(op)}`;
    if (op.op === 'replace' && path === undefined) {
      const value = op.value as Record<string, unknown>;
      for (const [k, v] of Object.entries(value ?? {}))
        if (/members/i.test(k) && !explicitList(v)) return `a path-less replace of members: ${JSON.stringify(op)}`;
    }
  }
  return undefined;
}

test('whatever the proxy forwards is a canonical route and method, allow-listed headers, and names the members it removes', async (t) => {
  const p = await startGuardedProxy(t);
  let forwarded = 0;
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const before = p.mas.seen.length;
      const status = await sendThrough(p.url, r);
      const arrived = p.mas.seen.slice(before);
      assert.ok(arrived.length <= 1, 'one request reaches MAS at most once');
      for (const seen of arrived) {
        forwarded++;
        const problem = problemWith(seen);
        assert.equal(problem, undefined, `${r.method} ${seen.path} (status ${status}): ${problem}`);
      }
      if (arrived.length === 0) assert.ok(status >= 200 && status !== 502 && status < 500, `status ${status}`);
    }),
    runs(300),
  );
  assert.ok(forwarded > 10, `some requests were forwarded (${forwarded}), so the property was exercised`);
  assert.ok(await p.stillServes());
});
