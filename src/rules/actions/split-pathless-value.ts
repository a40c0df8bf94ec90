import { z } from 'zod';
import { isPatchOperation, isPlainObject, opName, withPath } from '../../scim/patch.ts';
import { defineAction, keep, splice } from '../action.ts';

// A key is a path, not an attribute name, when it has a dot outside a schema URN ("name.givenName")
// or names an attribute after a schema URN ("urn:...:enterprise:2.0:User:employeeNumber").
const SCHEMA_URN = /^urn:[^\s]*:\d+\.\d+:[A-Za-z]+$/i;
const isPathKey = (key: string): boolean =>
  key.toLowerCase().startsWith('urn:') ? !SCHEMA_URN.test(key) : key.includes('.');

/**
 * With `aadOptscim062020`, Entra folds several attributes into one path-less add/replace whose keys
 * are paths. Servers then store a literal "name.givenName" key or ignore it; one op per key is the
 * unambiguous form. A value whose keys are all plain attribute names is RFC 7644 and is kept.
 */
export const splitPathlessValue = defineAction({
  name: 'split-pathless-value',
  description: 'Turns a path-less add/replace whose value keys are paths into one op per key with an explicit path.',
  params: z.object({}).strict(),
  run(node) {
    if (!isPatchOperation(node) || node.path !== undefined || !isPlainObject(node.value)) return keep;
    if (!['add', 'replace'].includes(opName(node))) return keep;
    const entries = Object.entries(node.value);
    if (!entries.some(([key]) => isPathKey(key))) return keep;
    const ops = entries.flatMap(([key, value]) =>
      SCHEMA_URN.test(key) && isPlainObject(value)
        ? Object.entries(value).map(([sub, subValue]) => withPath(node, `${key}:${sub}`, subValue))
        : [withPath(node, key, value)],
    );
    return splice(ops);
  },
});
