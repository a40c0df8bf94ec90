import { z } from 'zod';
import { jsonEqual } from '../../scim/json.ts';
import { asRemove, isPatchOperation, isPlainObject, opName, withPath } from '../../scim/patch.ts';
import { defineAction, type Effect, keep, replace } from '../action.ts';

const isEmpty = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

/**
 * `manager` is a single-valued complex attribute (RFC 7643 §4.3: {value, $ref, displayName}).
 * Entra sends it as a bare string, as a one-element array, removes it through a value filter, or
 * clears it with a replace of "". Each becomes the plain add/replace of an object, or a remove.
 */
export const normalizeManagerOp = defineAction({
  name: 'normalize-manager-op',
  description:
    'Makes PATCH ops on the manager `path` (a full URN path) compliant: string → {value}, [obj] → obj, filter or empty value → remove.',
  params: z.object({ path: z.string().startsWith('urn:') }).strict(),
  run(node, { path }): Effect {
    if (!isPatchOperation(node) || typeof node.path !== 'string') return keep;
    const target = node.path.trim().toLowerCase();
    const wanted = path.toLowerCase();
    const filtered = target.startsWith(`${wanted}[`);
    if ((target !== wanted && !filtered) || (filtered && opName(node) !== 'remove')) return keep;
    const value = Array.isArray(node.value) && node.value.length === 1 ? node.value[0] : node.value;
    let out = node;
    if (opName(node) === 'remove' || filtered || isEmpty(value)) out = asRemove(node, path);
    else if (typeof value === 'string' || typeof value === 'number')
      out = withPath(node, path, { value: String(value) });
    else if (isPlainObject(value)) out = withPath(node, path, value);
    return jsonEqual(out, node) ? keep : replace(out);
  },
});
