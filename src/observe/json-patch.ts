// The change the proxy made to a request, as an RFC 6902 JSON Patch: what an auditor reads to see
// exactly how Entra's body differs from what MAS received. Objects are compared by key and arrays by
// index, which is plain to read; it is not a minimal diff and does not need to be.

import { setOwn } from '../scim/json.ts';
import { isPlainObject } from '../scim/patch.ts';

export type PatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: unknown };

type JsonObject = Record<string, unknown>;

/** RFC 6901 §3: `~` becomes `~0` and `/` becomes `~1`, in that order. */
export const escapeToken = (token: string): string => token.replaceAll('~', '~0').replaceAll('/', '~1');
const unescapeToken = (token: string): string => token.replaceAll('~1', '/').replaceAll('~0', '~');

/** The operations that turn `from` into `to`. */
export function diff(from: unknown, to: unknown, path = ''): PatchOperation[] {
  const operations: PatchOperation[] = [];
  diffInto(operations, from, to, path);
  return operations;
}

// One list filled in place: spreading child lists into push() overflows the stack on large arrays.
function diffInto(operations: PatchOperation[], from: unknown, to: unknown, path: string): void {
  if (from === to) return;
  if (Array.isArray(from) && Array.isArray(to)) diffArrays(operations, from, to, path);
  else if (isPlainObject(from) && isPlainObject(to)) diffObjects(operations, from, to, path);
  else operations.push({ op: 'replace', path, value: to });
}

function diffObjects(operations: PatchOperation[], from: JsonObject, to: JsonObject, path: string): void {
  for (const key in from) {
    // The audit's views share what no rule changed: most keys end here, with no path built.
    if (!Object.hasOwn(from, key) || (from[key] === to[key] && Object.hasOwn(to, key))) continue;
    const child = `${path}/${escapeToken(key)}`;
    if (!Object.hasOwn(to, key)) operations.push({ op: 'remove', path: child });
    else diffInto(operations, from[key], to[key], child);
  }
  for (const key in to) {
    if (Object.hasOwn(to, key) && !Object.hasOwn(from, key))
      operations.push({ op: 'add', path: `${path}/${escapeToken(key)}`, value: to[key] });
  }
}

function diffArrays(operations: PatchOperation[], from: unknown[], to: unknown[], path: string): void {
  const common = Math.min(from.length, to.length);
  for (let i = 0; i < common; i++) if (from[i] !== to[i]) diffInto(operations, from[i], to[i], `${path}/${i}`);
  // Removals from the end first, so each index still names the element it meant.
  for (let i = from.length - 1; i >= common; i--) operations.push({ op: 'remove', path: `${path}/${i}` });
  for (let i = common; i < to.length; i++) operations.push({ op: 'add', path: `${path}/${i}`, value: to[i] });
}

/** Applies a patch to a copy of `document` (enough of RFC 6902 for what `diff` produces). */
export function applyPatch(document: unknown, operations: readonly PatchOperation[]): unknown {
  let root = structuredClone(document);
  for (const operation of operations) {
    const value = 'value' in operation ? structuredClone(operation.value) : undefined;
    if (operation.path === '') {
      if (operation.op === 'remove') throw new Error('cannot remove the whole document');
      root = value;
      continue;
    }
    const tokens = operation.path.slice(1).split('/').map(unescapeToken);
    const last = tokens.pop() as string;
    let parent: unknown = root;
    for (const token of tokens) parent = child(parent, token, operation.path);
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length)
        throw new Error(`no index ${last} at ${operation.path}`);
      if (operation.op === 'add') parent.splice(index, 0, value);
      else if (operation.op === 'remove') parent.splice(index, 1);
      else parent[index] = value;
    } else if (isPlainObject(parent)) {
      if (operation.op === 'remove') delete parent[last];
      // A key named __proto__ stays data and never reaches the prototype.
      else setOwn(parent, last, value);
    } else {
      throw new Error(`nothing to patch at ${operation.path}`);
    }
  }
  return root;
}

function child(parent: unknown, token: string, path: string): unknown {
  if (Array.isArray(parent)) return parent[Number(token)];
  if (isPlainObject(parent) && Object.hasOwn(parent, token)) return parent[token];
  throw new Error(`no ${token} on the way to ${path}`);
}
