// The Entra corpus (test/fixtures/entra): each case is a request as Entra sends it and what MAS
// should receive, or the local answer or refusal the proxy should give instead. One reading of a case
// serves the test suite (a proxy in this process) and `npm run corpus` (the proxy as `npm start` runs it).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeenRequest } from './upstream.ts';

export interface CorpusCase {
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

export const CORPUS_DIR = new URL('../fixtures/entra/', import.meta.url).pathname;

export function readCorpus(dir: string = CORPUS_DIR): CorpusCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

/** Sends a case's request to the proxy at `base` with the given Secret Token instead of the recorded one. */
export async function sendCase(base: string, c: CorpusCase, token: string): Promise<{ status: number; text: string }> {
  const url = new URL(c.request.path, base);
  for (const [k, v] of Object.entries(c.request.query)) url.searchParams.append(k, v);
  const headers = Object.fromEntries(
    Object.entries(c.request.headers).filter(([k]) => k.toLowerCase() !== 'authorization'),
  );
  const res = await fetch(url, {
    method: c.request.method,
    headers: { ...headers, authorization: `Bearer ${token}` },
    ...(c.request.body != null && { body: JSON.stringify(c.request.body) }),
  });
  return { status: res.status, text: await res.text() };
}

/** Why what the proxy answered and what reached MAS differ from the case's `expect`; empty when they agree. */
export function mismatches(
  c: CorpusCase,
  answer: { status: number; text: string },
  seen: readonly SeenRequest[],
  masToken: string,
): string[] {
  const { expect } = c;
  const why: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
  if (expect.upstream) {
    if (answer.status >= 400) why.push(`the proxy answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    if (seen.length !== 1) return [...why, `expected 1 request to MAS, saw ${seen.length}`];
    const got = seen[0] as SeenRequest;
    if (got.method !== expect.upstream.method) why.push(`method ${got.method}, expected ${expect.upstream.method}`);
    if (got.path !== expect.upstream.path) why.push(`path ${got.path}, expected ${expect.upstream.path}`);
    if (!same(got.body, expect.upstream.body ?? null))
      why.push(`body ${JSON.stringify(got.body)}, expected ${JSON.stringify(expect.upstream.body ?? null)}`);
    if (!expect.query_unscored && !same(got.query, expect.upstream.query))
      why.push(`query ${JSON.stringify(got.query)}, expected ${JSON.stringify(expect.upstream.query)}`);
    if (got.headers.authorization !== `Bearer ${masToken}`) why.push('MAS did not receive the MAS token');
    if (got.raw.length > 0 && Number(got.headers['content-length']) !== got.raw.length)
      why.push(`content-length ${got.headers['content-length']} for a body of ${got.raw.length} bytes`);
  } else if (expect.local_status) {
    if (answer.status !== expect.local_status) why.push(`status ${answer.status}, expected ${expect.local_status}`);
    if (seen.length > 0) why.push(`expected no request to MAS, saw ${seen.length}`);
  } else {
    if (expect.blocked !== true) return ['the case expects neither upstream, local_status nor blocked'];
    if (answer.status < 400 || answer.status >= 500) why.push(`a refusal answered ${answer.status}, expected a 4xx`);
    if (seen.length > 0) why.push(`a refused request reached MAS ${seen.length} time(s)`);
    if (!answer.text.includes('urn:ietf:params:scim:api:messages:2.0:Error')) why.push('no SCIM error body');
  }
  return why;
}

/** Objects with their keys in order, so two JSON values compare by content (arrays keep their order). */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
  );
}
