// Microsoft's SCIM Validator's tests (scripts/validator.ts) through scim-proxy into the MAS
// simulator, and, to show what the suite can see, straight at a simulator that behaves worse.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimulatedMas, startStack } from '../../scripts/stack.ts';
import { KNOWN_FAILURES, runCases, runValidator, score } from '../../scripts/validator.ts';

const failed = (results: Awaited<ReturnType<typeof runValidator>>) =>
  results.filter((result) => !result.passed).map((result) => result.name);

test("the validator's 25 tests and 7 preview tests all pass through the proxy, as the README reports", async () => {
  const results = await runValidator();
  assert.deepEqual(failed(results), Object.keys(KNOWN_FAILURES));
  assert.deepEqual(score(results), { tests: '25 of 25', preview: '7 of 7' });
});

test('a MAS that ignores excludedAttributes fails the two exclusion tests straight, and passes them through the proxy', async (t) => {
  const stack = await startStack({ honourAttributeParameters: false });
  t.after(() => stack.close());
  const direct = await startSimulatedMas({ honourAttributeParameters: false });
  t.after(() => direct.sim.close());
  const exclusions = ['Get group by id excluding members', 'Filter for existing group excluding members'];
  const straight = failed(await runCases(direct.sim.url, direct.token));
  for (const name of exclusions) assert.ok(straight.includes(name), `${name} fails straight at MAS`);
  assert.deepEqual(failed(await runCases(stack.proxyUrl, stack.entraToken)), []);
});

test('a MAS matching names case-exactly fails the two different-case filters, with or without the proxy', async (t) => {
  const stack = await startStack({ caseExactNames: true });
  t.after(() => stack.close());
  assert.deepEqual(failed(await runCases(stack.proxyUrl, stack.entraToken)), [
    'Filter for an existing user with a different case',
    'Filter for an existing group with a different case',
  ]);
});
