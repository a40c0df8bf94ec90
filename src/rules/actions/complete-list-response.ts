import { z } from 'zod';
import { isPlainObject } from '../../scim/patch.ts';
import { defineAction, keep, replace } from '../action.ts';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** The request's `startIndex` (RFC 7644 §3.4.2.4: 1-based, below 1 read as 1), or 1 when not given. */
function startIndexOf(query: Record<string, string> | undefined): number {
  const value = Number(Object.entries(query ?? {}).find(([key]) => key.toLowerCase() === 'startindex')?.[1]);
  return Number.isInteger(value) && value > 1 ? value : 1;
}

/**
 * RFC 7644 §3.4.2 and Microsoft's SCIM guidance: a list answer carries the ListResponse schema,
 * `startIndex` and `itemsPerPage` beside `totalResults` and `Resources`. What MAS sends is unknown;
 * the members a list answer lacks are added from what it holds. `totalResults` is MAS's to say.
 */
export const completeListResponse = defineAction({
  name: 'complete-list-response',
  description:
    'In a list answer (one with Resources), adds the ListResponse schema, startIndex (from the request) and itemsPerPage (the resources returned) when missing (response rules).',
  params: z.object({}).strict(),
  run(node, _params, context) {
    if (!isPlainObject(node) || !Array.isArray(node.Resources)) return keep;
    const schemas = Array.isArray(node.schemas) ? node.schemas : [];
    const added = {
      ...(!schemas.includes(LIST_RESPONSE) && { schemas: [LIST_RESPONSE, ...schemas] }),
      ...(node.startIndex === undefined && { startIndex: startIndexOf(context.request?.query) }),
      ...(node.itemsPerPage === undefined && { itemsPerPage: node.Resources.length }),
    };
    return Object.keys(added).length === 0 ? keep : replace({ ...node, ...added });
  },
});
