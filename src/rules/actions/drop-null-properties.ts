import { z } from 'zod';
import { setOwn } from '../../scim/json.ts';
import { isPlainObject } from '../../scim/patch.ts';
import { defineAction, keep, replace, setOf } from '../action.ts';

const DROPPED = Symbol('dropped');

/** `value` without its null properties; the very same value when it has none, copied only on the way to a change. */
function dropNulls(value: unknown, only: ReadonlySet<string> | undefined): unknown {
  if (Array.isArray(value)) {
    let items: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = dropNulls(value[i], only);
      if (next !== value[i]) {
        items ??= value.slice();
        items[i] = next;
      }
    }
    return items ?? value;
  }
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  // What each key becomes, kept only from the first change on (most objects have no null at all).
  let kept: unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const item = value[key];
    const next = item === null ? (!only || only.has(key) ? DROPPED : item) : dropNulls(item, only);
    if (next !== item && !kept) kept = keys.slice(0, i).map((earlier) => value[earlier]);
    if (kept) kept[i] = next;
  }
  if (!kept) return value;
  // Rebuilt in the same key order, so the body reads as Entra wrote it less the nulls.
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) if (kept[i] !== DROPPED) setOwn(out, keys[i] as string, kept[i]);
  return out;
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
