import { z } from 'zod';
import { isPatchOperation, opName } from '../../scim/patch.ts';
import { defineAction, keep, replace } from '../action.ts';

export const lowercaseOp = defineAction({
  name: 'lowercase-op',
  description: 'Spells a PATCH operation name (Add, Replace, Remove) in lower case as RFC 7644 does.',
  params: z.object({}).strict(),
  run(node) {
    if (!isPatchOperation(node) || node.op === opName(node)) return keep;
    return replace({ ...node, op: opName(node) });
  },
});
