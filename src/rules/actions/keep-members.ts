import { z } from 'zod';
import { isPlainObject } from '../../scim/patch.ts';
import { defineAction, keep, replace, setOf } from '../action.ts';

/**
 * A message has the attributes its schema defines and no others: a PatchOp holds `schemas` and
 * `Operations` (RFC 7644 §3.5.2). Anything beside them (Microsoft's reference tests send an `id`)
 * means nothing to a compliant server and something unknown to MAS, so it is dropped, not forwarded.
 */
export const keepMembers = defineAction({
  name: 'keep-members',
  description: 'Drops every top-level member of a message not listed in `members` (matched as spelled).',
  params: z.object({ members: z.array(z.string()).min(1) }).strict(),
  run(node, { members }) {
    if (!isPlainObject(node)) return keep;
    const kept = setOf(members);
    const keys = Object.keys(node);
    if (keys.every((key) => kept.has(key))) return keep;
    return replace(Object.fromEntries(keys.filter((key) => kept.has(key)).map((key) => [key, node[key]])));
  },
});
