import { z } from 'zod';
import { isPatchOperation, isPlainObject, pathIs } from '../../scim/patch.ts';
import { defineAction, keep, replace } from '../action.ts';

function parseRole(item: unknown): unknown {
  if (!isPlainObject(item) || typeof item.value !== 'string' || !item.value.trim().startsWith('{')) return item;
  let inner: unknown;
  try {
    inner = JSON.parse(item.value);
  } catch {
    return item;
  }
  if (!isPlainObject(inner) || inner.value === undefined) return item;
  const { value: _serialized, ...outer } = item;
  const role: Record<string, unknown> = { ...outer, value: String(inner.value) };
  if (typeof inner.displayName === 'string') role.display = inner.displayName;
  return role;
}

/**
 * With SingleAppRoleAssignment mappings, Entra's PATCH serialises the role object into the `value`
 * string (`"{\"id\":..,\"value\":\"25\",\"displayName\":\"Role\"}"`); RFC 7643 roles are {value, display}.
 */
export const parseStringifiedRoles = defineAction({
  name: 'parse-stringified-roles',
  description:
    'In an add/replace of `attribute`, turns role values that are JSON objects in a string into {value, display}.',
  params: z.object({ attribute: z.string().default('roles') }).strict(),
  run(node, { attribute }) {
    if (!isPatchOperation(node) || !pathIs(node.path, attribute) || !Array.isArray(node.value)) return keep;
    const roles = node.value.map(parseRole);
    return roles.every((role, i) => role === (node.value as unknown[])[i]) ? keep : replace({ ...node, value: roles });
  },
});
