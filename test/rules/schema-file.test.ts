import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ruleJsonSchema } from '../../scripts/rule-schema.ts';

test('rules/rule.schema.json is what the zod rule schema generates (run npm run rules:schema)', () => {
  const committed = JSON.parse(readFileSync(new URL('../../rules/rule.schema.json', import.meta.url), 'utf8'));
  assert.deepEqual(committed, JSON.parse(ruleJsonSchema()));
});
