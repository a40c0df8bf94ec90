import { z } from 'zod';
import { isPlainObject } from '../../scim/patch.ts';
import { defineAction, type Effect, keep } from '../action.ts';

/**
 * After rewriting, a PATCH may hold no operation (Entra's removal of an empty member list). RFC 7644
 * needs at least one, and there is nothing to change, so the proxy answers 204 itself.
 */
export const answerEmptyPatch = defineAction({
  name: 'answer-empty-patch',
  description: 'Answers a PATCH whose Operations list is empty with 204 locally, without calling MAS.',
  params: z.object({}).strict(),
  run(node): Effect {
    if (!isPlainObject(node) || !Array.isArray(node.Operations) || node.Operations.length > 0) return keep;
    return { kind: 'answer', status: 204, reason: 'no operation remains after rewriting; nothing to change' };
  },
});
