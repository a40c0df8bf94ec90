import { z } from 'zod';
import { isPatchOperation } from '../../scim/patch.ts';
import { defineAction, keep, replace } from '../action.ts';

/**
 * Entra may write an enterprise attribute without its schema (`manager`, `employeeNumber`).
 * RFC 7644 §3.10 asks for the fully qualified name, and a User has no core attribute of these names.
 */
export const qualifyExtensionPaths = defineAction({
  name: 'qualify-extension-paths',
  description: 'Prefixes a PATCH path that starts with one of `attributes` with the extension `schema` URN.',
  params: z.object({ schema: z.string().startsWith('urn:'), attributes: z.array(z.string()).min(1) }).strict(),
  run(node, { schema, attributes }) {
    if (!isPatchOperation(node) || typeof node.path !== 'string') return keep;
    const name = /^[A-Za-z][\w$-]*/.exec(node.path)?.[0];
    const canonical = attributes.find((a) => a.toLowerCase() === name?.toLowerCase());
    if (!name || !canonical) return keep;
    return replace({ ...node, path: `${schema}:${canonical}${node.path.slice(name.length)}` });
  },
});
