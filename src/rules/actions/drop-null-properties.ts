import { z } from 'zod';
import { copyKeysBefore, mapChanged, setOwn } from '../../scim/json.ts';
import { isPlainObject } from '../../scim/patch.ts';
import { defineAction, keep, replace, setOf } from '../action.ts';

const DROPPED = Symbol('dropped');

/** `value` without its null properties; the very same value when it has none, copied only on the way to a change. */
function dropNulls(value: unknown, only: ReadonlySet<string> | undefined): unknown {
  if (Array.isArray(value)) {
    return mapChanged(value, (item) => dropNulls(item, only));
  }
  if (!isPlainObject(value)) return value;
  // Copied from the first change on (most objects have no null at all), in the same key order, so
  // the body reads as Entra wrote it less the nulls.
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    const next = item === null ? (!only || only.has(key) ? DROPPED : item) : dropNulls(item, only);
    if (next !== item && out === undefined) out = copyKeysBefore(value, key);
    if (out !== undefined && next !== DROPPED) setOwn(out, key, next);
  }
  return out ?? value;
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
