import { z } from 'zod';
import { memberRemoval, refusalOf } from '../../scim/member-guard.ts';
import { isPatchOperation } from '../../scim/patch.ts';
import { defineAction, type Effect, keep } from '../action.ts';

/**
 * The guard as a rule, so its refusals are counted and audited by rule id. What counts as removing
 * members an operation does not name is decided in one place (member-guard.ts), which the guard
 * middleware also runs after every rule, on any spelling.
 */
export const refuseUnfilteredRemoval = defineAction({
  name: 'refuse-unfiltered-removal',
  description:
    'Refuses an operation that can remove members it does not name (an unfiltered or URN-qualified remove, a filter other than `value eq`, a replace of the member list with an empty or value-less list), unless ALLOW_REMOVE_ALL_MEMBERS is set.',
  params: z.object({ attribute: z.literal('members').default('members') }).strict(),
  run(node, _params, context): Effect {
    if (!isPatchOperation(node) || context.options.allowRemoveAllMembers) return keep;
    const finding = memberRemoval(node);
    // What the guard cannot classify is refused by the guard middleware, with its own code.
    if (finding?.kind !== 'removes-unnamed') return keep;
    const { scimType, reason } = refusalOf(finding, `${context.resource} "${context.id ?? ''}"`);
    return { kind: 'refuse', status: 400, scimType, reason };
  },
});
