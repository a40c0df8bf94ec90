// The engine as a pure function: what it does to whole Entra requests, beyond single rules.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { applyRules, defaultEngineOptions, type Subject } from '../../src/rules/apply.ts';
import { BUILT_IN_RULES_DIR, loadRules } from '../../src/rules/load.ts';
import { parseResourcePath } from '../../src/scim/resource-path.ts';

const rules = await loadRules([BUILT_IN_RULES_DIR]);
const dir = new URL('../fixtures/entra/', import.meta.url);
const corpus = readdirSync(dir).map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')));

function subject(method: string, path: string, body: unknown, query: Record<string, string> = {}): Subject {
  const target = parseResourcePath(path)!;
  return { method, resource: target.resource, id: target.id, query, body };
}

const groupPatch = (...Operations: unknown[]) =>
  subject('PATCH', '/scim/v2/p/Groups/g1', { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });

test('rewriting a rewritten request changes nothing more (idempotence over the corpus)', () => {
  for (const c of corpus) {
    const first = applyRules(rules, subject(c.request.method, c.request.path, c.request.body, c.request.query));
    if (first.outcome.kind !== 'forward') continue;
    const second = applyRules(rules, subject(c.request.method, c.request.path, first.body, first.query));
    assert.deepEqual(second.body, first.body, c.name);
    assert.deepEqual(second.query, first.query, c.name);
    assert.deepEqual(second.applied, [], c.name);
  }
});

test('a compliant request passes with no rule applied', () => {
  const result = applyRules(rules, groupPatch({ op: 'remove', path: 'members[value eq "u1"]' }));
  assert.deepEqual(result.applied, []);
  assert.equal(result.outcome.kind, 'forward');
});

test('the original request is never modified in place', () => {
  const s = groupPatch({ op: 'Remove', path: 'members', value: [{ value: 'u1' }] });
  const before = JSON.stringify(s.body);
  applyRules(rules, s);
  assert.equal(JSON.stringify(s.body), before);
});

test('no request of the corpus is modified in place, whatever the rules change in it', () => {
  for (const c of corpus) {
    const s = subject(c.request.method, c.request.path, structuredClone(c.request.body), {
      ...(c.request.query ?? {}),
    });
    const before = JSON.stringify([s.body, s.query]);
    const result = applyRules(rules, s);
    assert.equal(JSON.stringify([s.body, s.query]), before, c.name);
    // Rewriting the result again must not reach back into the request either.
    applyRules(rules, { ...s, query: result.query, body: result.body });
    assert.equal(JSON.stringify([s.body, s.query]), before, `${c.name}, rewritten twice`);
  }
});

test('what no rule changes comes back as the request’s own objects, not a copy', () => {
  const s = subject('POST', '/scim/v2/p/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'alice@contoso.com',
    active: true,
  });
  const result = applyRules(rules, s);
  assert.deepEqual(result.applied, []);
  assert.equal(result.body, s.body);
  assert.equal(result.query, s.query);
});

test('a legacy removal written Members with a single value object removes just that member', () => {
  const result = applyRules(rules, groupPatch({ op: 'REMOVE', path: 'Members', value: { value: 'u7' } }));
  assert.deepEqual((result.body as { Operations: unknown[] }).Operations, [
    { op: 'remove', path: 'members[value eq "u7"]' },
  ]);
});

test('an unfiltered remove of Members in any case is refused with the guard named', () => {
  const result = applyRules(rules, groupPatch({ op: 'Remove', path: 'MEMBERS' }));
  assert.equal(result.outcome.kind, 'refuse');
  assert.equal(result.outcome.kind === 'refuse' && result.outcome.rule, 'guard-unfiltered-member-removal');
  assert.match(result.outcome.kind === 'refuse' ? result.outcome.reason : '', /ALLOW_REMOVE_ALL_MEMBERS/);
});

test('a replace of members with an empty list is refused too', () => {
  assert.equal(applyRules(rules, groupPatch({ op: 'replace', path: 'members', value: [] })).outcome.kind, 'refuse');
});

test('the guard lets an unfiltered removal through only when the switch is on', () => {
  const result = applyRules(rules, groupPatch({ op: 'remove', path: 'members' }), {
    ...defaultEngineOptions,
    allowRemoveAllMembers: true,
  });
  assert.equal(result.outcome.kind, 'forward');
});

test('a removal mixed with other operations keeps their order', () => {
  const result = applyRules(
    rules,
    groupPatch(
      { op: 'Replace', path: 'displayName', value: 'G' },
      { op: 'Remove', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'Add', path: 'members', value: [{ value: 'c' }] },
    ),
  );
  assert.deepEqual((result.body as { Operations: unknown[] }).Operations, [
    { op: 'replace', path: 'displayName', value: 'G' },
    { op: 'remove', path: 'members[value eq "a"]' },
    { op: 'remove', path: 'members[value eq "b"]' },
    { op: 'add', path: 'members', value: [{ value: 'c' }] },
  ]);
});

test('every member named in a legacy removal of 1,000 appears in exactly one filter', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => `u-${i}"\\${i}`);
  const result = applyRules(
    rules,
    groupPatch({ op: 'Remove', path: 'members', value: ids.map((value) => ({ value })) }),
  );
  const paths = (result.body as { Operations: { path: string }[] }).Operations.map((o) => o.path);
  const back = paths.map((p) => JSON.parse(/^members\[value eq (".*")\]$/.exec(p)![1]!));
  assert.deepEqual(back, ids);
});

test('a user PATCH with every legacy quirk at once comes out compliant', () => {
  const result = applyRules(
    rules,
    subject('PATCH', '/scim/v2/p/Users/u1', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', value: { active: 'False', 'name.familyName': 'K', manager: 'm9' } },
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'a@b.c' },
        { op: 'Add', path: 'emails[type eq "work"].primary', value: 'True' },
      ],
    }),
  );
  assert.deepEqual((result.body as { Operations: unknown[] }).Operations, [
    { op: 'replace', path: 'active', value: false },
    { op: 'replace', path: 'name.familyName', value: 'K' },
    {
      op: 'replace',
      path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
      value: { value: 'm9' },
    },
    { op: 'add', path: 'emails', value: [{ type: 'work', value: 'a@b.c', primary: true }] },
  ]);
});
