// The compiled selectors must select exactly what jsonpath-plus selects: same values, same parents,
// same order. Checked on generated documents (fast-check) for every select of the built-in rules
// and a few shapes around them; FC_SEED / FC_NUM_RUNS as in test/properties.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { JSONPath } from 'jsonpath-plus';
import { loadRules, ruleDirs } from '../../src/rules/load.ts';
import { selector } from '../../src/rules/selector.ts';

const rules = await loadRules(ruleDirs());
const selects = [
  ...new Set([
    ...rules.map((rule) => rule.select),
    '$.body.Operations[*].value[*]',
    '$.body.members[*].value',
    "$.body['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']",
    '$.query[*]',
    '$.body.length',
    '$.body..value',
    '$.body.Operations[?(@.op)]',
  ]),
];

const runs = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns: Number(process.env.FC_NUM_RUNS) || numRuns,
  ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
});

// Keys the selectors look for, so generated documents often have what they select.
const key = fc.constantFrom(
  'Operations',
  'value',
  'members',
  'filter',
  'op',
  'path',
  'manager',
  'length',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  '0',
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, 1, '', 'x', 'False'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

const viaJsonPath = (select: string, document: object) =>
  (
    JSONPath({ path: select, json: document, resultType: 'all', eval: 'safe' }) as {
      pointer: string;
      value: unknown;
      parent: unknown;
      parentProperty: unknown;
    }[]
  ).map((m) => ({ top: m.pointer.split('/')[1], value: m.value, parent: m.parent, parentProperty: m.parentProperty }));

test('every selector selects what jsonpath-plus selects, in the same order, with the same parents', () => {
  fc.assert(
    fc.property(fc.constantFrom(...selects), json, json, (select, query, body) => {
      const document = { query, body };
      let expected: ReturnType<typeof viaJsonPath>;
      try {
        expected = viaJsonPath(select, document);
      } catch {
        // A filter expression that fails on this document (null.op) must fail the same way.
        assert.throws(() => selector(select)(document));
        return;
      }
      const actual = selector(select)(document);
      assert.equal(actual.length, expected.length, `${select}: number of matches`);
      actual.forEach((match, i) => {
        const want = expected[i];
        assert.equal(match.top, want?.top, `${select}: top of match ${i}`);
        assert.equal(match.value, want?.value, `${select}: value of match ${i}`);
        assert.equal(match.parent, want?.parent, `${select}: parent of match ${i}`);
        assert.equal(String(match.parentProperty), String(want?.parentProperty), `${select}: property of match ${i}`);
      });
    }),
    runs(2000),
  );
});

test('a selector finds the members of a removal in order', () => {
  const body = { Operations: [{ op: 'remove', path: 'members' }, { op: 'add' }] };
  const matches = selector('$.body.Operations[*]')({ query: {}, body });
  assert.deepEqual(
    matches.map((m) => [m.top, m.parentProperty, m.value]),
    [
      ['body', 0, body.Operations[0]],
      ['body', 1, body.Operations[1]],
    ],
  );
});
