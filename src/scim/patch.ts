// The PATCH vocabulary (RFC 7644 §3.5.2) as Entra sends it: ops in any case, paths in any case.

export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export interface PatchOperation {
  op: string;
  path?: string;
  value?: unknown;
  [key: string]: unknown;
}

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isPatchOperation(value: unknown): value is PatchOperation {
  return isPlainObject(value) && typeof value.op === 'string';
}

/** The op name as RFC 7644 spells it, whatever case Entra used. */
export function opName(operation: PatchOperation): string {
  return operation.op.trim().toLowerCase();
}

/** True when `path` names exactly `attribute` (no filter, no sub-attribute), in any case. */
export function pathIs(path: unknown, attribute: string): boolean {
  return typeof path === 'string' && path.trim().toLowerCase() === attribute.toLowerCase();
}

/** The op with its path and value set, keeping every other key as it was. */
export function withPath(operation: PatchOperation, path: string, value: unknown): PatchOperation {
  return { ...operation, op: opName(operation), path, value };
}

/** The op turned into a remove of `path` (a remove carries no value). */
export function asRemove(operation: PatchOperation, path: string): PatchOperation {
  const { value: _value, ...rest } = operation;
  return { ...rest, op: 'remove', path };
}
