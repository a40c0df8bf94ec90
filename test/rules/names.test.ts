// Names in any case: RFC 7643 §2.1 makes attribute names case-insensitive, so Entra's shapes spelled
// in another case mean what the lower-case ones mean, and MAS receives RFC 7643's spelling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRules, type Subject } from '../../src/rules/apply.ts';
import { BUILT_IN_RULES_DIR, loadRules } from '../../src/rules/load.ts';
import { canonicalAttributePath, canonicalFilterNames, canonicalKeys } from '../../src/scim/names.ts';

const rules = await loadRules([BUILT_IN_RULES_DIR]);
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const patch = (resource: string, body: unknown): Subject => ({
  method: 'PATCH',
  resource,
  id: 'x1',
  query: {},
  body,
});
const operationsOf = (body: unknown) => (body as { Operations: unknown[] }).Operations;

test('a legacy removal in upper case with "Value" keys removes that member, and the add beside it goes too', () => {
  const result = applyRules(
    rules,
    patch('Groups', {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'REMOVE', path: 'Members', value: [{ Value: 'u1' }] },
        { op: 'Add', path: 'members', value: [{ Value: 'u2' }] },
      ],
    }),
  );
  assert.equal(result.outcome.kind, 'forward');
  assert.deepEqual(operationsOf(result.body), [
    { op: 'remove', path: 'members[value eq "u1"]' },
    { op: 'add', path: 'members', value: [{ value: 'u2' }] },
  ]);
});

test('member names in a path filter reach MAS spelled as RFC 7643 does', () => {
  const result = applyRules(
    rules,
    patch('Groups', { schemas: [PATCH_OP], Operations: [{ op: 'remove', path: 'MEMBERS[Value EQ "u1"]' }] }),
  );
  assert.deepEqual(operationsOf(result.body), [{ op: 'remove', path: 'members[value eq "u1"]' }]);
});

test('PatchOp and operation members in any case are read, and sent canonically', () => {
  const result = applyRules(
    rules,
    patch('Groups', {
      Schemas: [PATCH_OP.toUpperCase()],
      operations: [{ OP: 'Remove', PATH: 'members', VALUE: [{ VALUE: 'u1' }, { value: 'u2' }] }],
    }),
  );
  assert.deepEqual(result.body, {
    schemas: [PATCH_OP],
    Operations: [
      { op: 'remove', path: 'members[value eq "u1"]' },
      { op: 'remove', path: 'members[value eq "u2"]' },
    ],
  });
});

test('a removal naming a member without any value is refused, and the error names the operation', () => {
  const result = applyRules(
    rules,
    patch('Groups', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'Members', value: [{ Display: 'A' }] }],
    }),
  );
  assert.equal(result.outcome.kind, 'refuse');
  const reason = result.outcome.kind === 'refuse' ? result.outcome.reason : '';
  assert.match(reason, /The operation \{"op":"remove","path":"members","value":\[\{"display":"A"\}\]\}/);
  assert.match(reason, /without a "value"/);
});

test('a path-less replace of a User with keys in any case reaches MAS with canonical names', () => {
  const result = applyRules(
    rules,
    patch('Users', {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', value: { Active: 'False', 'Name.GivenName': 'A' } }],
    }),
  );
  assert.deepEqual(operationsOf(result.body), [
    { op: 'replace', path: 'active', value: false },
    { op: 'replace', path: 'name.givenName', value: 'A' },
  ]);
});

test('a created user with keys in any case is rewritten like a lower-case one, with canonical keys', () => {
  const result = applyRules(rules, {
    method: 'POST',
    resource: 'Users',
    id: undefined,
    query: {},
    body: { UserName: 'u', Active: 'True', Department: 'Sales', Emails: [{ Value: 'a@b.c', Primary: 'true' }] },
  });
  assert.deepEqual(result.body, {
    schemas: ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    userName: 'u',
    active: true,
    emails: [{ value: 'a@b.c', primary: true }],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales' },
  });
});

test('a GET filter in any case is spelled canonically; compared values stay as sent', () => {
  const result = applyRules(rules, {
    method: 'GET',
    resource: 'Users',
    id: undefined,
    query: { filter: 'UserName EQ "Ada@Example.com"' },
    body: null,
  });
  assert.deepEqual(result.query, { filter: 'userName eq "Ada@Example.com"' });
});

test('names RFC 7643 does not define, and unknown schema URNs, stay as written', () => {
  assert.equal(canonicalAttributePath('urn:example:custom:1.0:User:Badge'), 'urn:example:custom:1.0:User:Badge');
  assert.equal(canonicalAttributePath('CustomThing'), 'CustomThing');
  assert.equal(canonicalFilterNames('Badge eq "X"'), 'Badge eq "X"');
});

test('a filter left open is returned as written', () => {
  assert.equal(canonicalFilterNames('Members[Value eq "u1'), 'Members[Value eq "u1');
});

test('canonical keys leave an unchanged value as the same object', () => {
  const value = [{ value: 'u1', display: 'A' }, { value: 'u2' }];
  assert.equal(canonicalKeys(value), value);
});

test('a bare comparison value is not taken for a name', () => {
  assert.equal(canonicalFilterNames('id eq Value'), 'id eq Value');
});
