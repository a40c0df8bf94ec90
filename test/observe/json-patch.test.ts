import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyPatch, diff } from '../../src/observe/json-patch.ts';

const roundTrips = (from: unknown, to: unknown) => assert.deepEqual(applyPatch(from, diff(from, to)), to);

test('equal documents need no operations', () => {
  assert.deepEqual(diff({ a: [1, { b: 'c' }] }, { a: [1, { b: 'c' }] }), []);
});

test('changed, added and removed keys become replace, add and remove', () => {
  assert.deepEqual(diff({ keep: 1, change: 'x', drop: true }, { keep: 1, change: 'y', add: null }), [
    { op: 'replace', path: '/change', value: 'y' },
    { op: 'remove', path: '/drop' },
    { op: 'add', path: '/add', value: null },
  ]);
});

test('arrays are compared by index, extra elements removed from the end first', () => {
  assert.deepEqual(diff([1, 2, 3, 4], [1, 9]), [
    { op: 'replace', path: '/1', value: 9 },
    { op: 'remove', path: '/3' },
    { op: 'remove', path: '/2' },
  ]);
  assert.deepEqual(diff(['a'], ['a', 'b', 'c']), [
    { op: 'add', path: '/1', value: 'b' },
    { op: 'add', path: '/2', value: 'c' },
  ]);
});

test('keys with slashes and tildes are escaped as ~1 and ~0', () => {
  const operations = diff({}, { 'a/b': 1, 'm~n': 2, '~1': 3 });
  assert.deepEqual(
    operations.map((o) => o.path),
    ['/a~1b', '/m~0n', '/~01'],
  );
  roundTrips({ 'a/b': { 'c~d': 1 } }, { 'a/b': { 'c~d': 2 } });
});

test('a change of type replaces the whole value, up to the root', () => {
  assert.deepEqual(diff({ a: [1] }, { a: { 0: 1 } }), [{ op: 'replace', path: '/a', value: { 0: 1 } }]);
  assert.deepEqual(diff(null, { a: 1 }), [{ op: 'replace', path: '', value: { a: 1 } }]);
});

test('applying the diff of an Entra PATCH to its original gives the forwarded body', () => {
  const entra = {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'Remove', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] }],
  };
  const forwarded = {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [
      { op: 'remove', path: 'members[value eq "u1"]' },
      { op: 'remove', path: 'members[value eq "u2"]' },
    ],
  };
  roundTrips(entra, forwarded);
  roundTrips(forwarded, entra);
});

test('a key named __proto__ is patched as data and never reaches the prototype', () => {
  const to = JSON.parse('{"__proto__": {"polluted": true}}');
  const patched = applyPatch({}, diff({}, to)) as Record<string, unknown>;
  assert.equal(Object.hasOwn(patched, '__proto__'), true);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('applying a patch leaves the original document untouched', () => {
  const original = { a: [1, 2] };
  applyPatch(original, [{ op: 'remove', path: '/a/0' }]);
  assert.deepEqual(original, { a: [1, 2] });
});

test('a patch that names a missing parent is an error', () => {
  assert.throws(() => applyPatch({}, [{ op: 'add', path: '/missing/child', value: 1 }]), /no missing on the way/);
});
