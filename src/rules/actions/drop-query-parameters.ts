import { z } from 'zod';
import { isPlainObject } from '../../scim/patch.ts';
import { defineAction, keep, replace, setOf } from '../action.ts';

/** Entra's feature flags (`aadOptscim062020`) tell the proxy's input apart; MAS has no use for them. */
export const dropQueryParameters = defineAction({
  name: 'drop-query-parameters',
  description: 'Removes the query parameters named in `names`, matched case-insensitively.',
  params: z.object({ names: z.array(z.string()).min(1) }).strict(),
  run(node, { names }) {
    if (!isPlainObject(node)) return keep;
    const dropped = setOf(names, { lowerCase: true });
    const kept = Object.entries(node).filter(([key]) => !dropped.has(key.toLowerCase()));
    return kept.length === Object.keys(node).length ? keep : replace(Object.fromEntries(kept));
  },
});
