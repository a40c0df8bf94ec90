import { z } from 'zod';
import { canonicalFilterNames, canonicalKeys, canonicalSchemas, renameKeys } from '../../scim/names.ts';
import { isPlainObject } from '../../scim/patch.ts';
import { defineAction, keep, replace } from '../action.ts';

const PATCH_MEMBERS = new Map([
  ['schemas', 'schemas'],
  ['operations', 'Operations'],
]);
const OPERATION_MEMBERS = new Map([
  ['op', 'op'],
  ['path', 'path'],
  ['value', 'value'],
]);

/** One PATCH operation with its members, path and value keys spelled canonically. */
function canonicalOperation(operation: unknown): unknown {
  if (!isPlainObject(operation)) return operation;
  const named = renameKeys(operation, OPERATION_MEMBERS);
  const path = typeof named.path === 'string' ? canonicalFilterNames(named.path.trim()) : named.path;
  const value = canonicalKeys(named.value);
  if (path === named.path && value === named.value) return named;
  return { ...named, ...(path !== undefined && { path }), ...(value !== undefined && { value }) };
}

function canonicalPatch(body: Record<string, unknown>): Record<string, unknown> {
  const named = renameKeys(body, PATCH_MEMBERS);
  const schemas = canonicalSchemas(named.schemas);
  const operations = Array.isArray(named.Operations) ? named.Operations : undefined;
  const ops = operations?.map(canonicalOperation);
  const opsChanged = ops?.some((op, i) => op !== operations?.[i]);
  if (schemas === named.schemas && !opsChanged) return named;
  return { ...named, ...(schemas !== named.schemas && { schemas }), ...(opsChanged && { Operations: ops }) };
}

/**
 * SCIM names are case-insensitive (RFC 7643 §2.1): Entra and others may write `Members`, `Value`,
 * `"Op"` or `URN:…:User:Manager`. MAS and the later rules compare names as written, so every name
 * RFC 7643 and 7644 define is spelled their way first: PatchOp members, operation members, the
 * attribute names and operators of each path, and the keys of each value or resource, at any depth.
 */
export const canonicalAttributeCase = defineAction({
  name: 'canonical-attribute-case',
  description:
    'Spells every SCIM name (PatchOp and operation members, names in paths and their filters, keys of values and resources) as RFC 7643/7644 do, matched case-insensitively.',
  params: z.object({}).strict(),
  run(node, _params, context) {
    if (!isPlainObject(node)) return keep;
    const out = context.method === 'PATCH' ? canonicalPatch(node) : canonicalKeys(node);
    return out === node ? keep : replace(out);
  },
});
