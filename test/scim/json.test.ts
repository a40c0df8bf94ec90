import assert from 'node:assert/strict';
import { test } from 'node:test';
import { structureProblem } from '../../src/scim/json.ts';

const problem = (value: string) => structureProblem(value, 4);

test('plain SCIM JSON, with the same key in different objects, has no structural problem', () => {
  assert.equal(problem('{"a":{"value":1},"b":[{"value":2},{"value":3}]}'), undefined);
  assert.equal(problem('["op","op"]'), undefined);
  assert.equal(problem('{"a":"op","b":"op"}'), undefined);
});

test('nesting deeper than the limit is named, however it is bracketed', () => {
  assert.equal(problem('[[[[1]]]]'), undefined);
  assert.equal(problem('[[[[[1]]]]]'), 'it nests deeper than 4 levels');
  assert.equal(problem('{"a":{"b":[{"c":{}}]}}'), 'it nests deeper than 4 levels');
});

test('brackets, quotes and backslashes inside strings are not structure', () => {
  assert.equal(problem('{"a":"[[[[[{{{{{","b":"\\"}]]]","c":"\\\\","d":"x"}'), undefined);
  assert.equal(problem('{"a\\"":1,"a":2}'), undefined);
  assert.equal(problem('{"a\\\\":1,"a":2}'), undefined);
});

test('a key given twice in one object is named', () => {
  assert.equal(problem('{"path":"a","path":"b"}'), 'the key "path" appears twice in one object');
  assert.equal(problem('{"x":{"path" : 1, "path"\n:2}}'), 'the key "path" appears twice in one object');
});

test('keys that differ only in case, or only in how they are escaped, name the same attribute', () => {
  assert.equal(
    problem('{"Operations":[],"operations":[]}'),
    'the keys "Operations" and "operations" name the same attribute (SCIM names are case-insensitive)',
  );
  assert.equal(problem('{"op":1,"o\\u0070":2}'), 'the key "op" appears twice in one object');
});

test('an object with many keys is checked as closely as a small one', () => {
  const keys = Array.from({ length: 500 }, (_, i) => `"k${i}":${i}`);
  assert.equal(problem(`{${keys.join(',')}}`), undefined);
  assert.equal(
    problem(`{${keys.join(',')},"K3":0}`),
    'the keys "k3" and "K3" name the same attribute (SCIM names are case-insensitive)',
  );
  assert.equal(problem(`{${keys.join(',')},"k499":0}`), 'the key "k499" appears twice in one object');
  assert.equal(problem(`{"k0":0,${keys.slice(1).join(',')}}`), undefined);
  const nested = `{"n":{${keys.join(',')}}}`;
  assert.equal(problem(`{${keys.join(',')},"inner":${nested},"k1":1}`), 'the key "k1" appears twice in one object');
  assert.equal(problem(`{"a":${nested},"b":${nested},"k0":{"k0":0}}`), undefined);
  assert.equal(problem(`[${nested},{"n":{"k0":0,"k0":1}}]`), 'the key "k0" appears twice in one object');
});
