// The contract between the rules engine and its library of actions. An action is a pure function
// of the node a rule's JSONPath selected: it never mutates its input and never does I/O, so a rule
// can be tested by its examples alone and a request can be rewritten twice with the same result.
import type { z } from 'zod';
import type { GroupNames } from '../groups/group-names.ts';
import type { ScimType } from '../scim/error.ts';

export type Effect =
  | { kind: 'keep' }
  /** Put `value` where the selected node was. */
  | { kind: 'replace'; value: unknown }
  /** Replace the selected array element with zero or more elements, in order. */
  | { kind: 'splice'; values: unknown[] }
  /** Answer Entra locally with this status; nothing reaches MAS. */
  | { kind: 'answer'; status: number; reason: string }
  /** Refuse the request with a SCIM error; nothing reaches MAS. */
  | { kind: 'refuse'; status: number; scimType: ScimType; reason: string };

export interface ActionContext {
  method: string;
  resource: string;
  /** The resource id from the path, for messages. */
  id: string | undefined;
  options: EngineOptions;
  /** For response rules: the request as it was forwarded to MAS. */
  request: { query: Record<string, string>; body: unknown } | undefined;
}

export interface EngineOptions {
  /** Let an unfiltered `remove` of `members` through (it empties the group). Off unless configured. */
  allowRemoveAllMembers: boolean;
  /** Entra display name ↔ MAS group id; identity when no table or derivation is configured. */
  groupNames: GroupNames;
}

export interface Action<P = unknown> {
  name: string;
  /** What the action does, for `rules check` and the rule schema. */
  description: string;
  params: z.ZodType<P>;
  run(node: unknown, params: P, context: ActionContext): Effect;
}

export const keep: Effect = { kind: 'keep' };
export const replace = (value: unknown): Effect => ({ kind: 'replace', value });
export const splice = (values: unknown[]): Effect => ({ kind: 'splice', values });

export function defineAction<P>(action: Action<P>): Action<P> {
  return action;
}

const exactSets = new WeakMap<readonly string[], ReadonlySet<string>>();
const lowerSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * A rule's list parameter as a Set, built once per rule rather than on every node of every request:
 * parameters are parsed once, at load, so the list itself is the key.
 */
export function setOf(list: readonly string[], { lowerCase = false } = {}): ReadonlySet<string> {
  const cache = lowerCase ? lowerSets : exactSets;
  let set = cache.get(list);
  if (!set) {
    set = new Set(lowerCase ? list.map((item) => item.toLowerCase()) : list);
    cache.set(list, set);
  }
  return set;
}

/**
 * `map` applied to an answer: to each resource of a ListResponse, or to the resource itself. Keeps
 * when `map` gave every resource back unchanged (the same object).
 */
export function perResource(node: Record<string, unknown>, map: (resource: unknown) => unknown): Effect {
  if (Array.isArray(node.Resources)) {
    const resources = node.Resources.map(map);
    return resources.every((r, i) => r === (node.Resources as unknown[])[i])
      ? keep
      : replace({ ...node, Resources: resources });
  }
  const resource = map(node);
  return resource === node ? keep : replace(resource);
}
