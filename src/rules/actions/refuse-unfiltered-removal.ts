import { z } from 'zod';
import { isPatchOperation, opName, pathIs } from '../../scim/patch.ts';
import { defineAction, type Effect, keep } from '../action.ts';

const isEmpty = (value: unknown): boolean =>
  value === undefined || value === null || (Array.isArray(value) && value.length === 0);

/**
 * The guard. A remove of `members` with neither filter nor values, or a replace of `members` with
 * nothing, empties the group: one bad request would take Maximo access away from everyone in it.
 */
export const refuseUnfilteredRemoval = defineAction({
  name: 'refuse-unfiltered-removal',
  description:
    'Refuses a remove of `attribute` without filter or values, or a replace of it with an empty value, unless ALLOW_REMOVE_ALL_MEMBERS is set.',
  params: z.object({ attribute: z.string().default('members') }).strict(),
  run(node, { attribute }, context): Effect {
    if (!isPatchOperation(node) || !pathIs(node.path, attribute) || context.options.allowRemoveAllMembers) return keep;
    const op = opName(node);
    const wipes = (op === 'remove' && isEmpty(node.value)) || (op === 'replace' && isEmpty(node.value));
    if (!wipes) return keep;
    return {
      kind: 'refuse',
      status: 400,
      scimType: 'noTarget',
      reason: `Refused: "${op}" of "${attribute}" without a filter or values would remove every member of ${context.resource} "${context.id ?? ''}" (RFC 7644 §3.5.2.2). scim-proxy blocks it so one request cannot empty a Maximo security group. Remove members one by one with path '${attribute}[value eq "<id>"]', or set ALLOW_REMOVE_ALL_MEMBERS=true if emptying groups is intended.`,
    };
  },
});
