import { z } from 'zod';
import { setOwn } from '../../scim/json.ts';
import { isPlainObject } from '../../scim/patch.ts';
import { defineAction, keep, replace, setOf } from '../action.ts';

/**
 * Entra's documented group creation carries a non-standard ADSCIM schema URN, and an old sample
 * misspells the enterprise URN (`...:2.0User`). Dropped and corrected, in `schemas` and as keys.
 */
export const fixSchemaUrns = defineAction({
  name: 'fix-schema-urns',
  description: 'In a resource, drops the `drop` URNs from `schemas` and renames `rename` URNs in `schemas` and keys.',
  params: z
    .object({
      drop: z.array(z.string()).default([]),
      rename: z.record(z.string(), z.string()).default({}),
    })
    .strict(),
  run(node, { drop, rename }) {
    if (!isPlainObject(node)) return keep;
    const dropped = setOf(drop, { lowerCase: true });
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const newKey = Object.hasOwn(rename, key) ? (rename[key] as string) : key;
      changed ||= newKey !== key;
      if (key === 'schemas' && Array.isArray(value)) {
        const schemas = value
          .filter((urn) => !(typeof urn === 'string' && dropped.has(urn.toLowerCase())))
          .map((urn) => (typeof urn === 'string' && Object.hasOwn(rename, urn) ? rename[urn] : urn));
        changed ||= schemas.length !== value.length || schemas.some((urn, i) => urn !== value[i]);
        setOwn(out, key, [...new Set(schemas)]);
      } else {
        setOwn(out, newKey, value);
      }
    }
    return changed ? replace(out) : keep;
  },
});
