import { z } from 'zod';
import { valueEquals } from '../../scim/filter.ts';
import { isPatchOperation, isPlainObject, opName, pathIs } from '../../scim/patch.ts';
import { defineAction, type Effect, keep, splice } from '../action.ts';

/**
 * Entra removes members with `{"op":"Remove","path":"members","value":[{"value":"id"}]}`. Under
 * RFC 7644 §3.5.2.2 a remove on `members` without a filter removes every member, and MAS does just
 * that. The compliant form is one filtered remove per member, in Entra's order.
 */
export const expandMemberRemoval = defineAction({
  name: 'expand-member-removal',
  description: 'Turns a remove of `attribute` carrying values into one `attribute[value eq "id"]` remove per value.',
  params: z.object({ attribute: z.string().default('members') }).strict(),
  run(node, { attribute }): Effect {
    if (!isPatchOperation(node) || opName(node) !== 'remove' || !pathIs(node.path, attribute)) return keep;
    if (node.value === undefined || node.value === null) return keep;
    const members = Array.isArray(node.value) ? node.value : [node.value];
    const ids: string[] = [];
    for (const member of members) {
      const id = typeof member === 'string' ? member : isPlainObject(member) ? member.value : undefined;
      if (typeof id !== 'string' && typeof id !== 'number') {
        return {
          kind: 'refuse',
          status: 400,
          scimType: 'invalidValue',
          reason: `The operation ${JSON.stringify(node).slice(0, 300)} removes from "${attribute}" a member without a "value" (${JSON.stringify(member)?.slice(0, 100)}). scim-proxy cannot tell which member to remove, and forwarding it unfiltered would remove every member. Send each member as {"value":"<id>"}.`,
        };
      }
      ids.push(String(id));
    }
    return splice(ids.map((id) => ({ op: 'remove', path: valueEquals(attribute, id) })));
  },
});
