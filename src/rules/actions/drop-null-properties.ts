import { z } from 'zod';
import { setOwn } from '../../scim/json.ts';
import { isPlainObject } from '../../scim/patch.ts';
import { defineAction, keep, replace, setOf } from '../action.ts';

function dropNulls(value: unknown, only: ReadonlySet<string> | undefined): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => dropNulls(item, only));
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  if (!isPlainObject(value)) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null && (!only || only.has(key))) {
      changed = true;
      continue;
    }
    const next = dropNulls(item, only);
    changed ||= next !== item;
    setOwn(out, key, next);
  }
  return changed ? out : value;
}

/** RFC 7643 §2.5: null means unassigned. Entra's explicit nulls (`"$ref": null`, `"title": null`) go. */
export const dropNullProperties = defineAction({
  name: 'drop-null-properties',
  description: 'Removes properties whose value is null, at any depth; only the `keys` listed when given.',
  params: z.object({ keys: z.array(z.string()).min(1).optional() }).strict(),
  run(node, { keys }) {
    const out = dropNulls(node, keys ? setOf(keys) : undefined);
    return out === node ? keep : replace(out);
  },
});
