import { z } from 'zod';
import { isPatchOperation, isPlainObject, opName, type PatchOperation, withPath } from '../../scim/patch.ts';
import { defineAction, keep, setOf, splice } from '../action.ts';

// A key is a path, not an attribute name, when it has a dot outside a schema URN ("name.givenName")
// or names an attribute after a schema URN ("urn:...:enterprise:2.0:User:employeeNumber").
const SCHEMA_URN = /^urn:[^\s]*:\d+\.\d+:[A-Za-z]+$/i;
const isPathKey = (key: string): boolean =>
  key.toLowerCase().startsWith('urn:') ? !SCHEMA_URN.test(key) : key.includes('.');

/** The values of a multi-valued attribute as a list to add; nothing for null or an empty list. */
function addedValues(operation: PatchOperation, key: string, value: unknown): PatchOperation[] {
  const items = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
  return items.length === 0 ? [] : [{ ...withPath(operation, key, items), op: 'add' }];
}

/**
 * With `aadOptscim062020`, Entra folds several attributes into one path-less add/replace whose keys
 * are paths. Servers then store a literal "name.givenName" key or ignore it; one op per key is the
 * unambiguous form. A value whose keys are all plain attribute names is RFC 7644 and is kept, unless
 * `everyKey` asks for every key to get its own path: on a Group, a path-less replace has been read
 * as "replace the members with nothing". The `added` attributes (members) are only ever added: a
 * path-less replace must not become a replace of the whole member list.
 */
export const splitPathlessValue = defineAction({
  name: 'split-pathless-value',
  description:
    'Turns a path-less add/replace whose value keys are paths (or, with `everyKey`, any path-less add/replace) into one op per key with an explicit path; the `added` attributes become an add of their values.',
  params: z.object({ everyKey: z.boolean().default(false), added: z.array(z.string()).default([]) }).strict(),
  run(node, { everyKey, added }) {
    if (!isPatchOperation(node) || node.path !== undefined || !isPlainObject(node.value)) return keep;
    if (!['add', 'replace'].includes(opName(node))) return keep;
    const entries = Object.entries(node.value);
    if (!everyKey && !entries.some(([key]) => isPathKey(key))) return keep;
    const addedNames = setOf(added, { lowerCase: true });
    const ops = entries.flatMap(([key, value]) => {
      if (addedNames.has(key.toLowerCase())) return addedValues(node, key, value);
      return SCHEMA_URN.test(key) && isPlainObject(value)
        ? Object.entries(value).map(([sub, subValue]) => withPath(node, `${key}:${sub}`, subValue))
        : [withPath(node, key, value)];
    });
    return splice(ops);
  },
});
