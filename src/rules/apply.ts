// The rules engine: a pure function from a request (or response) to its rewritten form, the rules
// that changed it, and what should happen to it. No I/O, no clock, no globals.
import { JSONPath } from 'jsonpath-plus';
import { identityGroupNames } from '../groups/group-names.ts';
import type { ScimType } from '../scim/error.ts';
import { setOwn } from '../scim/json.ts';
import type { ActionContext, Effect, EngineOptions } from './action.ts';
import { appliesTo, type Rule } from './rule.ts';

export interface Subject {
  method: string;
  resource: string;
  id: string | undefined;
  query: Record<string, string>;
  body: unknown;
  /** For response rules: the request as it was forwarded. */
  request?: { query: Record<string, string>; body: unknown };
}

export type Outcome =
  | { kind: 'forward' }
  | { kind: 'answer'; status: number; reason: string; rule: string }
  | { kind: 'refuse'; status: number; scimType: ScimType; reason: string; rule: string };

export interface Rewrite {
  /** The subject's own query and body objects when no rule touched them, so callers compare by identity. */
  query: Record<string, string>;
  body: unknown;
  /** Ids of the rules that changed something or decided the outcome, in order. */
  applied: string[];
  outcome: Outcome;
}

interface Match {
  /** JSON Pointer into the document: `/query/...` or `/body/...`. */
  pointer: string;
  value: unknown;
  parent: Record<string, unknown> | unknown[] | null;
  parentProperty: string | number;
}

export const defaultEngineOptions: EngineOptions = Object.freeze({
  allowRemoveAllMembers: false,
  groupNames: identityGroupNames,
});

export function applyRules(
  rules: readonly Rule[],
  subject: Subject,
  options: EngineOptions = defaultEngineOptions,
  direction: Rule['direction'] = 'request',
): Rewrite {
  const relevant = rules.filter((rule) => appliesTo(rule, direction, subject.method, subject.resource));
  if (relevant.length === 0)
    return { query: subject.query, body: subject.body, applied: [], outcome: { kind: 'forward' } };
  // The one copy per request: actions are pure, the engine writes only into this document.
  const document = structuredClone({ query: subject.query, body: subject.body });
  const context: ActionContext = {
    method: subject.method,
    resource: subject.resource,
    id: subject.id,
    options,
    request: subject.request,
  };
  const applied: string[] = [];
  const touched = new Set<string>();
  // Untouched parts go back as the subject's own objects: "unchanged" then costs no deep comparison.
  const result = () => ({
    query: touched.has('query') ? document.query : subject.query,
    body: touched.has('body') ? document.body : subject.body,
  });
  for (const rule of relevant) {
    const matches = JSONPath({ path: rule.select, json: document, resultType: 'all', eval: 'safe' }) as Match[];
    const effects = matches.map((match) => rule.action.run(match.value, rule.params, context));
    const decisive = effects.find((e) => e.kind === 'refuse') ?? effects.find((e) => e.kind === 'answer');
    if (decisive?.kind === 'refuse' || decisive?.kind === 'answer') {
      applied.push(rule.id);
      return { ...result(), applied, outcome: { ...decisive, rule: rule.id } };
    }
    let changed = false;
    for (let i = matches.length - 1; i >= 0; i--) {
      const match = matches[i] as Match;
      if (write(match, effects[i] as Effect)) {
        changed = true;
        touched.add(match.pointer.split('/')[1] ?? '');
      }
    }
    if (changed) applied.push(rule.id);
  }
  return { ...result(), applied, outcome: { kind: 'forward' } };
}

/** Carries one effect out in the document; true when it changed something. */
function write({ parent, parentProperty }: Match, effect: Effect): boolean {
  if (effect.kind === 'keep' || parent === null) return false;
  if (Array.isArray(parent)) {
    const index = Number(parentProperty);
    if (effect.kind === 'replace') parent[index] = effect.value;
    else if (effect.kind === 'splice') parent.splice(index, 1, ...effect.values);
    else if (effect.kind === 'delete') parent.splice(index, 1);
    return true;
  }
  const key = String(parentProperty);
  if (effect.kind === 'replace') setOwn(parent, key, effect.value);
  else if (effect.kind === 'splice') setOwn(parent, key, effect.values);
  else if (effect.kind === 'delete') delete parent[key];
  return true;
}
