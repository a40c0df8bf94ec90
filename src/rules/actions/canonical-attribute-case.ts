import { z } from 'zod';
import { isPatchOperation } from '../../scim/patch.ts';
import { defineAction, keep, replace } from '../action.ts';

/**
 * Entra may write `Members` for `members`. SCIM attribute names are case-insensitive (RFC 7643 §2.1)
 * but MAS and the later rules compare them as written, so the leading name is spelled canonically.
 */
export const canonicalAttributeCase = defineAction({
  name: 'canonical-attribute-case',
  description:
    'Spells the leading attribute name of a PATCH path as listed in `attributes`, matched case-insensitively.',
  params: z.object({ attributes: z.array(z.string().regex(/^[A-Za-z][\w$-]*$/)).min(1) }).strict(),
  run(node, { attributes }) {
    if (!isPatchOperation(node) || typeof node.path !== 'string') return keep;
    const path = node.path.trim();
    const match = /^[A-Za-z][\w$-]*/.exec(path);
    if (!match) return keep;
    const canonical = attributes.find((a) => a.toLowerCase() === match[0].toLowerCase());
    if (!canonical) return path === node.path ? keep : replace({ ...node, path });
    const rewritten = canonical + path.slice(match[0].length);
    return rewritten === node.path ? keep : replace({ ...node, path: rewritten });
  },
});
