import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { type Exchange, newExchange } from '../../src/exchange.ts';
import { createAuditLog } from '../../src/observe/audit.ts';
import { auditView } from '../../src/observe/audit-view.ts';
import { applyPatch } from '../../src/observe/json-patch.ts';
import { parseResourcePath } from '../../src/scim/resource-path.ts';

interface Sent {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

function exchangeOf(sent: Sent, forwarded?: { query?: Record<string, string>; body?: unknown }): Exchange {
  const exchange = newExchange('req-1', sent.method);
  exchange.target = parseResourcePath(sent.path);
  exchange.original = { query: sent.query ?? {}, body: sent.body ?? null };
  if (forwarded)
    exchange.rewritten = { query: forwarded.query ?? sent.query ?? {}, body: forwarded.body ?? sent.body ?? null };
  return exchange;
}

/** Runs one exchange through an audit log writing to memory and returns the parsed lines. */
async function audited(
  exchange: Exchange,
  status: number,
  options: { hashPersonalData?: boolean; hashSalt?: string } = {},
) {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const audit = createAuditLog({ stream, hashPersonalData: options.hashPersonalData ?? false, ...options });
  audit(exchange, status);
  await audit.close();
  const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const removal = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'Remove', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] }],
};
const compliantRemoval = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [
    { op: 'remove', path: 'members[value eq "u1"]' },
    { op: 'remove', path: 'members[value eq "u2"]' },
  ],
};

test('a forwarded exchange is one audit line with every field of the record', async () => {
  const exchange = exchangeOf(
    { method: 'PATCH', path: '/scim/v2/prof1/Groups/g1', body: removal },
    { body: compliantRemoval },
  );
  exchange.applied = ['lowercase-patch-op', 'expand-legacy-member-removal'];
  exchange.decision = { kind: 'forward' };
  exchange.upstreamStatus = 204;
  exchange.upstreamMs = 12.345;
  exchange.queueMs = 0.04;
  const lines = await audited(exchange, 204);
  assert.equal(lines.length, 1);
  const record = lines[0] as Record<string, unknown>;
  assert.equal(record.kind, 'audit');
  assert.equal(record.time, exchange.startedAt.toISOString());
  assert.equal(record.requestId, 'req-1');
  assert.equal(record.method, 'PATCH');
  assert.equal(record.profile, 'prof1');
  assert.equal(record.resource, 'Groups');
  assert.equal(record.resourceId, 'g1');
  assert.deepEqual(record.rules, ['lowercase-patch-op', 'expand-legacy-member-removal']);
  assert.equal(record.outcome, 'forwarded');
  assert.equal(record.masStatus, 204);
  assert.equal(record.status, 204);
  assert.equal(record.upstreamMs, 12.3);
  assert.equal(record.queueMs, 0);
  assert.equal(typeof record.durationMs, 'number');
  assert.deepEqual(record.queryChange, []);
  assert.equal('level' in record || 'message' in record, false);
});

test("the recorded change is a JSON Patch that turns Entra's body into the forwarded one", async () => {
  const exchange = exchangeOf(
    { method: 'PATCH', path: '/scim/v2/prof1/Groups/g1', body: removal },
    { body: compliantRemoval },
  );
  const [record] = await audited(exchange, 204);
  const change = record?.change as Parameters<typeof applyPatch>[1];
  assert.ok(change.length > 0);
  assert.deepEqual(applyPatch(removal, change), compliantRemoval);
});

test('a query rewrite is recorded as a patch of the query', async () => {
  const exchange = exchangeOf(
    { method: 'GET', path: '/scim/v2/prof1/Users', query: { filter: 'userName eq "a"', aadOptscim062020: '' } },
    { query: { filter: 'userName eq "a"' } },
  );
  const [record] = await audited(exchange, 200);
  assert.deepEqual(record?.queryChange, [{ op: 'remove', path: '/aadOptscim062020' }]);
  assert.deepEqual(record?.change, []);
});

test('a refusal names the rule that refused and has no MAS status', async () => {
  const exchange = exchangeOf({ method: 'PATCH', path: '/scim/v2/prof1/Groups/g1', body: removal }, { body: removal });
  exchange.applied = ['guard-unfiltered-member-removal'];
  exchange.decision = {
    kind: 'refuse',
    status: 400,
    scimType: 'invalidValue',
    reason: 'no',
    rule: 'guard-unfiltered-member-removal',
  };
  exchange.error = { code: 'refused', message: 'no' };
  const [record] = await audited(exchange, 400);
  assert.equal(record?.outcome, 'refused');
  assert.equal(record?.decidedBy, 'guard-unfiltered-member-removal');
  assert.equal(record?.masStatus, null);
  assert.equal(record?.error, 'refused');
});

test('passwords and tokens never reach the audit line, in bodies, patch values or the query', async () => {
  const body = {
    userName: 'alice@contoso.com',
    password: 'Hunter2!',
    Operations: [{ op: 'replace', path: 'password', value: 'S3cret!' }],
  };
  const forwarded = { ...body, Operations: [{ op: 'replace', path: 'password', value: 'Changed!' }] };
  const exchange = exchangeOf(
    { method: 'PATCH', path: '/scim/v2/p/Users/u1', query: { access_token: 'qs-token' }, body },
    { body: forwarded },
  );
  const [record] = await audited(exchange, 204);
  const line = JSON.stringify(record);
  for (const secret of ['Hunter2!', 'S3cret!', 'Changed!', 'qs-token'])
    assert.equal(line.includes(secret), false, secret);
  assert.match(line, /\[redacted\]/);
});

test('the audit view is the body itself where nothing is hidden, and a copy that leaves the body as sent where a secret is', () => {
  const plain = { schemas: ['s'], members: [{ value: 'u1' }], Operations: [{ op: 'add', path: 'members', value: [] }] };
  assert.equal(auditView(plain, { resource: 'Groups', hash: undefined }), plain);
  const secret = { userName: 'a', credentials: [{ type: 'x', token: 'T0k3n' }], emails: [{ value: 'e' }] };
  const sent = structuredClone(secret);
  const view = auditView(secret, { resource: 'Users', hash: undefined }) as typeof secret;
  assert.deepEqual(view.credentials, [{ type: 'x', token: '[redacted]' }]);
  assert.deepEqual(secret, sent, 'the body is not written to');
  assert.equal(view.emails, secret.emails, 'what holds no secret is shared, not copied');
  const operation = { op: 'replace', path: 'password', value: 'S3cret!' };
  const shown = auditView({ Operations: [operation] }, { resource: 'Users', hash: undefined }) as {
    Operations: unknown[];
  };
  assert.deepEqual(shown.Operations, [{ op: 'replace', path: 'password', value: '[redacted]' }]);
  assert.equal(operation.value, 'S3cret!');
});

const person = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'alice@contoso.com',
  displayName: 'Alice Liddell',
  name: { givenName: 'Alice', familyName: 'Liddell' },
  emails: [{ type: 'work', value: 'alice@contoso.com', primary: true }],
  active: true,
};

test('with hashing on, user names, emails, names and filter values become stable hashes', async () => {
  const { displayName: _, ...withoutDisplayName } = person;
  const patch = {
    Operations: [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice@fabrikam.com' },
      { op: 'Replace', value: { 'name.givenName': 'Alicia', active: 'False' } },
    ],
  };
  const lowercased = { Operations: patch.Operations.map((o) => ({ ...o, op: 'replace' })) };
  const exchanges = [
    exchangeOf({ method: 'POST', path: '/scim/v2/p/Users', body: withoutDisplayName }, { body: person }),
    exchangeOf({ method: 'GET', path: '/scim/v2/p/Users', query: { filter: 'userName eq "alice@contoso.com"' } }, {}),
    exchangeOf({ method: 'PATCH', path: '/scim/v2/p/Users/alice@contoso.com', body: patch }, { body: lowercased }),
  ];
  const lines = [];
  for (const exchange of exchanges) lines.push(...(await audited(exchange, 200, { hashPersonalData: true })));
  const text = lines.map((l) => JSON.stringify(l)).join('\n');
  for (const personal of ['alice@contoso.com', 'alice@fabrikam.com', 'Alice', 'Liddell', 'Alicia']) {
    assert.equal(text.includes(personal), false, `${personal} appears in ${text}`);
  }
  type Line = { change: { value: string }[]; query: Record<string, string>; resourceId: string };
  const [created, searched, patched] = lines as unknown as [Line, Line, Line];
  const added = created.change[0]?.value;
  assert.deepEqual(created.change, [{ op: 'add', path: '/displayName', value: added }]);
  assert.match(String(added), /^sha256:[0-9a-f]{16}$/);
  const filter = searched.query.filter;
  assert.match(filter ?? '', /^userName eq "sha256:[0-9a-f]{16}"$/);
  assert.match(patched.resourceId, /^sha256:[0-9a-f]{16}$/);
  assert.equal(filter, `userName eq "${patched.resourceId}"`, 'the same person gets the same hash in every record');
  const hashed = auditView(person, { resource: 'Users', hash: (v) => `h(${v})` }) as typeof person;
  assert.deepEqual(
    hashed.emails[0],
    { type: 'work', value: 'h(alice@contoso.com)', primary: true },
    'the kind of value stays readable',
  );
  assert.deepEqual(hashed.name, { givenName: 'h(Alice)', familyName: 'h(Liddell)' });
  assert.equal(hashed.userName, 'h(alice@contoso.com)');
  assert.equal(hashed.displayName, 'h(Alice Liddell)');
  assert.equal(hashed.active, true);
});

test('with a salt the hashes are HMAC-SHA256 and differ from the unsalted ones', async () => {
  const exchange = () => exchangeOf({ method: 'GET', path: '/scim/v2/p/Users/bob' });
  const [plain] = await audited(exchange(), 200, { hashPersonalData: true });
  const [salted] = await audited(exchange(), 200, { hashPersonalData: true, hashSalt: 'site-salt' });
  assert.match(String(salted?.resourceId), /^hmac-sha256:[0-9a-f]{16}$/);
  assert.notEqual(String(salted?.resourceId).slice(-16), String(plain?.resourceId).slice(-16));
});

test("with hashing on, a group's display name stays readable", async () => {
  const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'AP_MAXIMO_SUPERVISORS' };
  const exchange = exchangeOf(
    { method: 'POST', path: '/scim/v2/p/Groups', body: group },
    { body: { ...group, members: [] } },
  );
  const [record] = await audited(exchange, 201, { hashPersonalData: true });
  assert.deepEqual(record?.change, [{ op: 'add', path: '/members', value: [] }]);
  assert.equal(
    JSON.stringify(record).includes('AP_MAXIMO_SUPERVISORS'),
    false,
    'the body itself is not logged, only the change',
  );
  assert.equal(
    (auditView(group, { resource: 'Groups', hash: () => 'x' }) as typeof group).displayName,
    'AP_MAXIMO_SUPERVISORS',
  );
});

test('the audit file is written and rotated by size, keeping at most maxFiles files', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'scim-proxy-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'audit.log');
  const audit = createAuditLog({
    stream: new PassThrough().resume(),
    hashPersonalData: false,
    file: { path: file, maxBytes: 2048, maxFiles: 3 },
  });
  for (let i = 0; i < 60; i++) {
    audit(exchangeOf({ method: 'GET', path: `/scim/v2/p/Users/user-${i}` }), 200);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await audit.close();
  const files = readdirSync(dir);
  assert.ok(files.length > 1 && files.length <= 3, `files: ${files.join(', ')}`);
  const current = readFileSync(file, 'utf8').trim().split('\n');
  assert.ok(current.length > 0);
  assert.equal((JSON.parse(current.at(-1) as string) as { kind: string }).kind, 'audit');
});
