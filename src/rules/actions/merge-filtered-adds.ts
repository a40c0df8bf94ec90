import { z } from 'zod';
import { stringValue } from '../../scim/filter.ts';
import { isPatchOperation, opName, type PatchOperation } from '../../scim/patch.ts';
import { defineAction, keep, replace } from '../action.ts';

// attr[type eq "work"].sub: the only filter shape Entra uses in add paths.
const TYPED_SUB_PATH = /^([A-Za-z][\w$-]*)\[\s*type\s+eq\s+("(?:[^"\\]|\\.)*")\s*\]\.([A-Za-z][\w$-]*)$/i;

/**
 * Entra adds a not-yet-existing typed element through a filter path (`emails[type eq "work"].value`),
 * which RFC 7644 does not define for add, and splits one address over several such ops. Each group
 * of ops on the same attribute and type becomes one add of a single element that carries its type.
 */
export const mergeFilteredAdds = defineAction({
  name: 'merge-filtered-adds',
  description:
    'Merges add ops on `attr[type eq "T"].sub` paths into one add of `attr` with the element {type: T, sub: value, ...}.',
  params: z.object({}).strict(),
  run(node) {
    if (!Array.isArray(node)) return keep;
    const out: unknown[] = [];
    const elements = new Map<string, Record<string, unknown>>();
    for (const operation of node) {
      const match =
        isPatchOperation(operation) && opName(operation) === 'add' && typeof operation.path === 'string'
          ? TYPED_SUB_PATH.exec(operation.path.trim())
          : null;
      // A type that is not a JSON string (`"a\x"`, a raw control character) is left for MAS to judge.
      const type = match?.[2] === undefined ? undefined : stringValue(match[2]);
      if (!match || type === undefined) {
        out.push(operation);
        continue;
      }
      const [, attribute = '', , sub = ''] = match;
      const key = `${attribute.toLowerCase()}\u0000${type}`;
      const existing = elements.get(key);
      const value = (operation as PatchOperation).value;
      if (existing) {
        existing[sub] = value;
      } else {
        const element: Record<string, unknown> = { type, [sub]: value };
        elements.set(key, element);
        out.push({ op: 'add', path: attribute, value: [element] });
      }
    }
    return elements.size === 0 ? keep : replace(out);
  },
});
