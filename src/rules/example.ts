// A rule's examples are its tests: `before` through this rule alone must give `after`.

import { createGroupNames } from '../groups/group-names.ts';
import { jsonEqual } from '../scim/json.ts';
import { parseResourcePath } from '../scim/resource-path.ts';
import { applyRules } from './apply.ts';
import type { Rule } from './rule.ts';
import type { Example } from './schema.ts';

/** Undefined when the example holds; otherwise what differs. */
export function checkExample(rule: Rule, example: Example): string | undefined {
  const target = parseResourcePath(example.before.path);
  if (!target) return `before.path "${example.before.path}" is not a SCIM path under /scim/v2/`;
  let rewrite: ReturnType<typeof applyRules>;
  try {
    rewrite = run(rule, example, target);
  } catch (error) {
    // An action that throws on its own example would throw on a real request: say so, like any failure.
    return `the action ${rule.action.name} threw on this example (${(error as Error).message}); fix the example or the action`;
  }
  const { outcome } = rewrite;
  const after = example.after;
  if ('answer' in after) {
    return outcome.kind === 'answer' && outcome.status === after.answer
      ? undefined
      : `expected a local answer ${after.answer}, got ${describe(outcome)}`;
  }
  if ('refuse' in after) {
    return outcome.kind === 'refuse' && outcome.status === after.refuse
      ? undefined
      : `expected a refusal ${after.refuse}, got ${describe(outcome)}`;
  }
  if (outcome.kind !== 'forward') return `expected the request to be forwarded, got ${describe(outcome)}`;
  const wantBody = 'body' in after ? (after.body ?? null) : (example.before.body ?? null);
  const wantQuery = after.query ?? example.before.query;
  if (!jsonEqual(rewrite.body, wantBody))
    return `body is ${JSON.stringify(rewrite.body)}, expected ${JSON.stringify(wantBody)}`;
  if (!jsonEqual(rewrite.query, wantQuery))
    return `query is ${JSON.stringify(rewrite.query)}, expected ${JSON.stringify(wantQuery)}`;
  return undefined;
}

/** This rule alone, on the example's `before`, with the example's options. */
function run(rule: Rule, example: Example, target: NonNullable<ReturnType<typeof parseResourcePath>>) {
  return applyRules(
    [rule],
    {
      method: example.before.method,
      resource: target.resource,
      id: target.id,
      query: example.before.query,
      body: example.before.body ?? null,
      ...(example.before.request && {
        request: { query: example.before.request.query, body: example.before.request.body ?? null },
      }),
    },
    {
      allowRemoveAllMembers: example.options?.allowRemoveAllMembers ?? false,
      groupNames: createGroupNames(example.options?.groupNames ?? {}, example.options?.groupNameDerivation ?? 'none'),
    },
    rule.direction,
  );
}

function describe(outcome: ReturnType<typeof applyRules>['outcome']): string {
  return outcome.kind === 'forward' ? 'a forward' : `${outcome.kind} ${outcome.status} (${outcome.reason})`;
}
