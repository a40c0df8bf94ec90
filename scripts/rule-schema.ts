// Writes rules/rule.schema.json from the zod schema, so editors validate rule files as they are typed.
// `npm run rules:schema`; a test fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ruleFileSchema } from '../src/rules/schema.ts';

export function ruleJsonSchema(): string {
  const schema = z.toJSONSchema(ruleFileSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ title: 'scim-proxy rule', ...schema }, null, 2)}\n`;
}

if (import.meta.main) writeFileSync(new URL('../rules/rule.schema.json', import.meta.url), ruleJsonSchema());
