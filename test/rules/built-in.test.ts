import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkExample } from '../../src/rules/example.ts';
import { BUILT_IN_RULES_DIR, loadRules } from '../../src/rules/load.ts';

const rules = await loadRules([BUILT_IN_RULES_DIR]);

test('the built-in rules load, and each has an example', () => {
  assert.ok(rules.length >= 15);
  for (const rule of rules) assert.ok(rule.examples.length > 0, rule.id);
});

for (const rule of rules) {
  test(`rule ${rule.id}: every example turns its before into its after`, () => {
    for (const example of rule.examples) assert.equal(checkExample(rule, example), undefined, example.name);
  });
}

test('an example that does not hold is reported with what differs', () => {
  const rule = rules.find((r) => r.id === 'lowercase-patch-op')!;
  const failure = checkExample(rule, {
    name: 'wrong on purpose',
    before: {
      method: 'PATCH',
      path: '/scim/v2/p/Users/u1',
      query: {},
      body: { Operations: [{ op: 'Add', path: 'nickName', value: 'x' }] },
    },
    after: { body: { Operations: [{ op: 'Add', path: 'nickName', value: 'x' }] } },
  });
  assert.match(failure ?? '', /body is .*"op":"add".*expected/);
});

test('an action that throws on its example is reported as a failing example, not a crash', () => {
  const rule = rules.find((r) => r.id === 'lowercase-patch-op')!;
  const throwing = {
    ...rule,
    action: {
      ...rule.action,
      run: () => {
        throw new RangeError('boom');
      },
    },
  };
  const failure = checkExample(throwing, rule.examples[0]!);
  assert.match(failure ?? '', /the action lowercase-op threw on this example \(boom\); fix the example or the action/);
});
