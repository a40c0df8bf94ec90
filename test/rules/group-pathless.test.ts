// A path-less replace or add on a Group: each key becomes its own operation with an explicit path,
// and members are only ever added, so no reading of the path-less form can empty a Maximo group.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyRules, type Subject } from '../../src/rules/apply.ts';
import { BUILT_IN_RULES_DIR, loadRules } from '../../src/rules/load.ts';

const rules = await loadRules([BUILT_IN_RULES_DIR]);
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const groupPatch = (...Operations: unknown[]): Subject => ({
  method: 'PATCH',
  resource: 'Groups',
  id: 'g1',
  query: {},
  body: { schemas: [PATCH_OP], Operations },
});
const operationsOf = (body: unknown) => (body as { Operations: unknown[] }).Operations;

test("Entra's path-less rename reaches MAS as a replace of displayName", () => {
  const result = applyRules(rules, groupPatch({ op: 'Replace', value: { displayName: 'X' } }));
  assert.deepEqual(operationsOf(result.body), [{ op: 'replace', path: 'displayName', value: 'X' }]);
});

test("the validator's path-less externalId replace gets its path", () => {
  const result = applyRules(rules, groupPatch({ op: 'replace', value: { externalId: 'c3b97a69' } }));
  assert.deepEqual(operationsOf(result.body), [{ op: 'replace', path: 'externalId', value: 'c3b97a69' }]);
});

test('members in a path-less replace are added, never replace the member list; the rest keep their order', () => {
  const result = applyRules(
    rules,
    groupPatch({ op: 'replace', value: { Members: [{ Value: 'u1' }, 'u2'], DisplayName: 'G' } }),
  );
  assert.deepEqual(operationsOf(result.body), [
    { op: 'add', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] },
    { op: 'replace', path: 'displayName', value: 'G' },
  ]);
});

test('a path-less replace holding only an empty member list changes nothing and is answered locally', () => {
  const result = applyRules(rules, groupPatch({ op: 'replace', value: { members: [] } }));
  assert.equal(result.outcome.kind, 'answer');
  assert.equal(result.outcome.kind === 'answer' && result.outcome.status, 204);
});

test('a path-less add of members with a URN-qualified key splits like a User', () => {
  const result = applyRules(
    rules,
    groupPatch({ op: 'add', value: { members: [{ value: 'u1' }], 'urn:example:ext:1.0:Group': { site: 'A' } } }),
  );
  assert.deepEqual(operationsOf(result.body), [
    { op: 'add', path: 'members', value: [{ value: 'u1' }] },
    { op: 'add', path: 'urn:example:ext:1.0:Group:site', value: 'A' },
  ]);
});

const key = fc.constantFrom('displayName', 'externalId', 'members', 'Members', 'DISPLAYNAME', 'externalid');
const memberValue = fc.oneof(
  fc.constant([]),
  fc.constant(null),
  fc.array(
    fc.uuid().map((value) => ({ value })),
    { minLength: 1, maxLength: 4 },
  ),
);

test('no path-less group operation reaches MAS path-less, or as a replace or remove of members', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          op: fc.constantFrom('replace', 'Replace', 'add', 'ADD'),
          value: fc.dictionary(key, fc.oneof(fc.string(), memberValue), { minKeys: 1, maxKeys: 4 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      (ops) => {
        const result = applyRules(rules, groupPatch(...ops));
        if (result.outcome.kind !== 'forward') return;
        for (const op of operationsOf(result.body) as { op: string; path?: string }[]) {
          assert.equal(typeof op.path, 'string', JSON.stringify(op));
          if (op.path?.toLowerCase() === 'members') assert.equal(op.op, 'add', JSON.stringify(op));
        }
      },
    ),
    { numRuns: 300 },
  );
});
