// Every Entra request shape in the corpus, sent through the running proxy, reaches the stand-in MAS
// exactly as its `expect` says (or is answered or refused locally, without reaching it).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { auth, MAS_TOKEN, startProxy } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

interface CorpusCase {
  name: string;
  request: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: unknown;
  };
  expect: {
    upstream?: { method: string; path: string; query: Record<string, string>; body: unknown };
    query_unscored?: boolean;
    local_status?: number;
    blocked?: boolean;
  };
}

const dir = new URL('../fixtures/entra/', import.meta.url);
const cases: CorpusCase[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')));

const withoutAuthorization = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'));

for (const c of cases) {
  test(`corpus: ${c.name}`, async (t) => {
    const upstream = await startUpstream();
    const proxy = await startProxy(upstream.url);
    t.after(async () => {
      await proxy.close();
      await upstream.close();
    });
    const url = new URL(c.request.path, proxy.url);
    for (const [k, v] of Object.entries(c.request.query)) url.searchParams.append(k, v);
    const res = await fetch(url, {
      method: c.request.method,
      headers: { ...withoutAuthorization(c.request.headers), ...auth },
      ...(c.request.body != null && { body: JSON.stringify(c.request.body) }),
    });
    const text = await res.text();
    const { expect } = c;
    if (expect.upstream) {
      assert.equal(res.status < 400, true, `proxy answered ${res.status} ${text}`);
      assert.equal(upstream.seen.length, 1);
      const seen = upstream.seen[0]!;
      assert.equal(seen.method, expect.upstream.method);
      assert.equal(seen.path, expect.upstream.path);
      assert.deepEqual(seen.body, expect.upstream.body ?? null);
      if (!expect.query_unscored) assert.deepEqual(seen.query, expect.upstream.query);
      assert.equal(seen.headers.authorization, `Bearer ${MAS_TOKEN}`);
      if (seen.raw.length > 0) assert.equal(Number(seen.headers['content-length']), seen.raw.length);
    } else if (expect.local_status) {
      assert.equal(res.status, expect.local_status);
      assert.equal(upstream.seen.length, 0);
    } else {
      assert.equal(expect.blocked, true);
      assert.equal(res.status >= 400 && res.status < 500, true);
      assert.equal(upstream.seen.length, 0);
      assert.equal(JSON.parse(text).schemas[0], 'urn:ietf:params:scim:api:messages:2.0:Error');
    }
  });
}
