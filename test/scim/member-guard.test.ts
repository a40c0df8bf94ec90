import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupPutRemoval, memberRemoval, patchOperations } from '../../src/scim/member-guard.ts';

const URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const kindOf = (operation: Record<string, unknown>) => memberRemoval(operation)?.kind;

test('removes and replaces that name their members pass', () => {
  for (const operation of [
    { op: 'remove', path: 'members[value eq "u1"]' },
    { op: 'Remove', path: 'Members[Value EQ "u1"]' },
    { op: 'remove', path: 'members[value eq "u1" or value eq "u]2"]' },
    { op: 'remove', path: `${URN}:members[value eq "u1"]` },
    { op: 'replace', path: 'members', value: [{ value: 'u1' }, { value: 'u2', display: 'B' }] },
    { op: 'replace', value: { members: [{ value: 'u1' }], displayName: 'G' } },
    { op: 'add', path: 'members', value: [{ value: 'u1' }] },
    { op: 'add', path: 'members', value: [] },
    { op: 'add', value: { members: [] } },
    { op: 'replace', path: 'displayName', value: 'G' },
    { op: 'remove', path: 'externalId' },
  ]) {
    assert.equal(kindOf(operation), undefined, JSON.stringify(operation));
  }
});

test('every way of removing members an operation does not name is found, in any spelling', () => {
  for (const operation of [
    { op: 'remove', path: 'members' },
    { op: 'remove', path: 'Members' },
    { op: 'remove', path: ' members ' },
    { op: 'remove', path: `${URN}:members` },
    { op: 'remove', path: 'urn:IETF:params:scim:schemas:core:2.0:group:MEMBERS' },
    { op: 'remove', path: 'members.value' },
    { op: 'remove', path: 'members[value pr]' },
    { op: 'remove', path: 'members[value ne "x"]' },
    { op: 'remove', path: 'members[value sw ""]' },
    { op: 'remove', path: 'members[value eq "a" and value eq "b"]' },
    { op: 'remove', path: 'members[value eq "a" or value pr]' },
    { op: 'remove' },
    { op: 'replace', path: 'members', value: [] },
    { op: 'replace', path: 'members', value: {} },
    { op: 'replace', path: 'members', value: [{}] },
    { op: 'replace', path: 'members', value: [{ display: 'A' }] },
    { op: 'replace', path: 'members', value: null },
    { op: 'replace', path: 'members' },
    { op: 'replace', path: 'members.value', value: 'x' },
    { op: 'replace', value: { members: [] } },
    { op: 'replace', value: { Members: [] } },
    { op: 'replace', value: { members: null } },
    { op: 'replace', value: { [`${URN}:members`]: [] } },
    { op: 'replace', value: { [URN]: { members: [] } } },
    { op: 'replace', path: URN, value: { members: [] } },
    { op: 'add', path: 'members.value', value: 'x' },
  ]) {
    assert.equal(kindOf(operation), 'removes-unnamed', JSON.stringify(operation));
  }
});

test('what the guard cannot read is unclassifiable, never let through', () => {
  for (const operation of [
    { op: 'delete', path: 'members' },
    { op: 'remove', path: 'members[value eq "u1"].display' },
    { op: 'remove', path: 'members[value eq "u1"' },
    { op: 'remove', path: 'members]' },
    { op: 'replace', value: 'members' },
  ]) {
    assert.equal(kindOf(operation), 'unclassifiable', JSON.stringify(operation));
  }
});

test('each finding names the operation as sent and why', () => {
  const finding = memberRemoval({ op: 'remove', path: 'members[value pr]' });
  assert.equal(finding?.operation, '{"op":"remove","path":"members[value pr]"}');
  assert.match(finding?.why ?? '', /value eq/);
});

test('Operations must be an array of operations, found under any case of its name', () => {
  assert.equal(Array.isArray(patchOperations({ operations: [{ op: 'add' }] })), true);
  assert.equal(Array.isArray(patchOperations({ OPERATIONS: [] })), true);
  for (const body of [{}, { Operations: { op: 'remove', path: 'members' } }, { Operations: [1] }, null]) {
    const found = patchOperations(body);
    assert.ok(!Array.isArray(found) && found.kind === 'malformed', JSON.stringify(body));
  }
});

test('op and path with control or invisible characters are malformed; ids inside a filter may hold any', () => {
  for (const operation of [
    { op: 'remove\u0000', path: 'members' },
    { op: 'remove', path: 'members\u200b' },
    { op: 're\u202emove', path: 'members' },
    { op: 'remove', path: 'members\u2028' },
  ]) {
    const found = patchOperations({ Operations: [operation] });
    assert.ok(!Array.isArray(found) && found.kind === 'malformed', JSON.stringify(operation));
  }
  assert.ok(Array.isArray(patchOperations({ Operations: [{ op: 'remove', path: 'members[value eq "u\u2028"]' }] })));
});

test('a PUT of a group passes only with the explicit member list it replaces', () => {
  assert.equal(groupPutRemoval({ displayName: 'G', members: [{ value: 'u1' }] }), undefined);
  assert.equal(groupPutRemoval({ displayName: 'G', Members: [{ Value: 'u1' }] }), undefined);
  for (const body of [
    { displayName: 'G' },
    { displayName: 'G', members: [] },
    { displayName: 'G', members: [{}] },
    { displayName: 'G', members: null },
    { displayName: 'G', members: [{ value: 'u1' }], [`${URN}:members`]: [] },
  ]) {
    assert.equal(groupPutRemoval(body)?.kind, 'removes-unnamed', JSON.stringify(body));
  }
});

test('a removal of one member by id gets the same verdict read at once as read in full', () => {
  const ids = [
    'u1',
    'a"b',
    'back\\slash',
    'br]ack[et',
    'sp ace',
    'é\u00e9\u{1F600}',
    'u\u2028',
    'tab\there',
    '\u0085',
    '',
  ];
  for (const id of ids) {
    const literal = JSON.stringify(id);
    // The leading space takes the full reading (tokenizer and filter); the plain form the quick one.
    for (const path of [`members[value eq ${literal}]`, ` members[value eq ${literal}]`]) {
      assert.equal(kindOf({ op: 'remove', path }), undefined, path);
      assert.ok(Array.isArray(patchOperations({ Operations: [{ op: 'remove', path }] })), path);
    }
  }
  for (const path of [
    'members[value eq "a\\x"]',
    'members[value eq "a"b"]',
    'members[value eq "a"] or true',
    'members[value ne "a"]',
    'members[value eq "a"].display',
  ]) {
    assert.notEqual(kindOf({ op: 'remove', path }), undefined, `${path} is not a removal of named members`);
  }
});
