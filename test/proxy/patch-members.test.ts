// A PatchOp holds schemas and Operations only: what else a client puts beside them is dropped before
// MAS sees it, counted per rule, and shown in the audit record's change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import type { Exchange } from '../../src/exchange.ts';
import { auditRecord } from '../../src/observe/audit.ts';
import { createMetrics } from '../../src/observe/metrics.ts';
import { auth, startProxy } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** PATCHes group g1 through the proxy with `body`; the status Entra got. */
async function patchGroup(proxyUrl: string, body: unknown): Promise<number> {
  const res = await fetch(`${proxyUrl}/scim/v2/p1/Groups/g1`, {
    method: 'PATCH',
    headers: { ...auth, 'content-type': 'application/scim+json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

test('members beside schemas and Operations never reach MAS, are counted and appear in the audit change', async (t) => {
  const upstream = await startUpstream();
  const registry = new Registry();
  const exchanges: { exchange: Exchange; status: number }[] = [];
  const proxy = await startProxy(upstream.url, {}, [(exchange, status) => exchanges.push({ exchange, status })], {
    metrics: createMetrics(registry, { version: 'test' }),
  });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  const status = await patchGroup(proxy.url, {
    schemas: [PATCH_OP],
    id: 'g1',
    meta: { resourceType: 'Group' },
    Operations: [{ op: 'replace', path: 'displayName', value: 'G' }],
  });
  assert.ok(status < 300, `status ${status}`);
  assert.deepEqual(upstream.seen[0]?.body, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'replace', path: 'displayName', value: 'G' }],
  });
  assert.match(await registry.metrics(), /scim_proxy_rule_applications_total\{rule="drop-stray-patch-members"\} 1/);
  const [seen] = exchanges;
  assert.ok(seen);
  const record = auditRecord(seen.exchange, seen.status, undefined);
  assert.ok(record.rules.includes('drop-stray-patch-members'));
  assert.deepEqual(
    record.change.filter((op) => op.op === 'remove').map((op) => op.path),
    ['/id', '/meta'],
  );
});

test('a PatchOp spelled in another case keeps its operations: they are renamed, not dropped as strays', async (t) => {
  const upstream = await startUpstream();
  const proxy = await startProxy(upstream.url);
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  await patchGroup(proxy.url, {
    SCHEMAS: [PATCH_OP],
    operations: [{ op: 'Add', path: 'members', value: [{ value: 'u1' }] }],
  });
  assert.deepEqual(upstream.seen[0]?.body, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'add', path: 'members', value: [{ value: 'u1' }] }],
  });
});
