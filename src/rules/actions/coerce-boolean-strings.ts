import { z } from 'zod';
import { mapChanged, setOwn } from '../../scim/json.ts';
import { isPatchOperation, isPlainObject } from '../../scim/patch.ts';
import { defineAction, keep, replace, setOf } from '../action.ts';

const BOOLEAN = /^(true|false)$/i;

/**
 * Returns `value` with every listed attribute that holds "True"/"false"/... as a real boolean; the
 * very same value when none does, and copies of only the arrays and objects on the way to a change
 * (this runs on every member of a 10,000-member removal, and on every created user).
 */
function coerce(value: unknown, names: ReadonlySet<string>, coerceSelf: boolean): unknown {
  if (coerceSelf && typeof value === 'string' && BOOLEAN.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  if (Array.isArray(value)) {
    return mapChanged(value, (item) => coerce(item, names, false));
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    if (item === null || (typeof item !== 'object' && typeof item !== 'string')) continue;
    const next = coerce(item, names, names.has(key.toLowerCase()));
    if (next !== item) {
      out ??= { ...value };
      setOwn(out, key, next);
    }
  }
  return out ?? value;
}

const lastAttribute = (path: string): string => path.split(/[.:]/).pop()?.replace(/\[.*$/, '').toLowerCase() ?? '';

/**
 * Entra sends `active` as "False"/"True" in PATCH (and may do so for `primary`); strict servers
 * reject strings for booleans, and deprovisioning then silently fails.
 */
export const coerceBooleanStrings = defineAction({
  name: 'coerce-boolean-strings',
  description:
    'Turns "True"/"False" (any case) into booleans for the listed attributes, in a PATCH op (by path or inside its value) or in a resource.',
  params: z.object({ attributes: z.array(z.string()).min(1) }).strict(),
  run(node, { attributes }) {
    const names = setOf(attributes, { lowerCase: true });
    if (isPatchOperation(node)) {
      const byPath = typeof node.path === 'string' && names.has(lastAttribute(node.path));
      const value = coerce(node.value, names, byPath);
      return value === node.value ? keep : replace({ ...node, value });
    }
    const value = coerce(node, names, false);
    return value === node ? keep : replace(value);
  },
});
