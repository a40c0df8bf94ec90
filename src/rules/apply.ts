// The rules engine: a pure function from a request (or response) to its rewritten form, the rules
// that changed it, and what should happen to it. No I/O, no clock, no globals.
import { identityGroupNames } from '../groups/group-names.ts';
import type { ScimType } from '../scim/error.ts';
import { setOwn } from '../scim/json.ts';
import type { ActionContext, Effect, EngineOptions } from './action.ts';
import { appliesTo, type Rule } from './rule.ts';
import { type Match, selector } from './selector.ts';

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
  const relevant = relevantRules(rules, direction, subject.method, subject.resource);
  if (relevant.length === 0)
    return { query: subject.query, body: subject.body, applied: [], outcome: { kind: 'forward' } };
  // Rules read the subject's own objects; a member (query or body) is copied only when a rule is
  // about to change it, so a request no rule changes costs no copy at all.
  const document: Record<string, unknown> = { query: subject.query, body: subject.body };
  const copied = new Set<string>();
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
    query: touched.has('query') ? (document.query as Record<string, string>) : subject.query,
    body: touched.has('body') ? document.body : subject.body,
  });
  // A selection holds until the document changes: rules with the same `select` in a row (a PATCH
  // meets seven on `$.body.Operations[*]`) share one walk.
  const selections = new Map<string, Match[]>();
  for (const rule of relevant) {
    const select = selector(rule.select);
    let matches = selections.get(rule.select);
    if (matches === undefined) {
      matches = select(document);
      selections.set(rule.select, matches);
    }
    let effects = effectsOf(rule, matches, context);
    const decisive = decisiveOf(effects);
    if (decisive) {
      applied.push(rule.id);
      return { ...result(), applied, outcome: { ...decisive, rule: rule.id } };
    }
    // A write inside a member not yet copied (replacing a whole member writes only into `document`):
    // copy it, then select and run again on the copy, so that every effect (which may hold parts of
    // what its action read) refers to the copy, never the subject.
    let recopied = false;
    for (let i = 0; i < matches.length; i++) {
      const match = matches[i] as Match;
      if (match.parent === document || !writes(match.parent, effects[i] as Effect) || copied.has(match.top)) continue;
      document[match.top] = cloneJson(document[match.top]);
      copied.add(match.top);
      recopied = true;
    }
    if (recopied) {
      selections.clear();
      matches = select(document);
      effects = effectsOf(rule, matches, context);
    }
    let changed = false;
    for (let i = matches.length - 1; i >= 0; i--) {
      const match = matches[i] as Match;
      if (write(match, effects[i] as Effect)) {
        changed = true;
        touched.add(match.top);
      }
    }
    if (changed) {
      applied.push(rule.id);
      selections.clear();
    }
  }
  return { ...result(), applied, outcome: { kind: 'forward' } };
}

// The rules for each direction, method and resource, found once per rule list instead of by
// scanning every rule on every request. Keyed by the list itself, so a reload starts afresh.
const byRoute = new WeakMap<readonly Rule[], Map<string, readonly Rule[]>>();

export function relevantRules(
  rules: readonly Rule[],
  direction: Rule['direction'],
  method: string,
  resource: string,
): readonly Rule[] {
  let routes = byRoute.get(rules);
  if (!routes) {
    routes = new Map();
    byRoute.set(rules, routes);
  }
  const key = `${direction} ${method} ${resource}`;
  let found = routes.get(key);
  if (!found) {
    found = rules.filter((rule) => appliesTo(rule, direction, method, resource));
    // Methods and resources come from requests: only real ones are kept, and never more than a few.
    if (routes.size < 256) routes.set(key, found);
  }
  return found;
}

/**
 * A deep copy of parsed JSON. Nine times faster than structuredClone on a 10,000-member removal,
 * which handles every kind of object; JSON has only arrays, plain objects and primitives.
 */
function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i]);
    return copy as T;
  }
  const copy: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = cloneJson((value as Record<string, unknown>)[key]);
    // `__proto__` from JSON.parse is an own key; plain assignment would set the prototype instead.
    if (key === '__proto__') setOwn(copy, key, item);
    else copy[key] = item;
  }
  return copy as T;
}

/** A refusal wins over an answer, whichever match it came from. */
function decisiveOf(effects: readonly Effect[]): (Effect & { kind: 'refuse' | 'answer' }) | undefined {
  let answer: (Effect & { kind: 'answer' }) | undefined;
  for (const effect of effects) {
    if (effect.kind === 'refuse') return effect;
    if (effect.kind === 'answer') answer ??= effect;
  }
  return answer;
}

function effectsOf(rule: Rule, matches: readonly Match[], context: ActionContext): Effect[] {
  const effects: Effect[] = new Array(matches.length);
  for (let i = 0; i < matches.length; i++)
    effects[i] = rule.action.run((matches[i] as Match).value, rule.params, context);
  return effects;
}

/** Whether carrying `effect` out into `parent` changes the document. */
const writes = (parent: Match['parent'], effect: Effect): boolean => effect.kind !== 'keep' && parent !== null;

/** Carries one effect out in the document; true when it changed something. */
function write({ parent, parentProperty }: Match, effect: Effect): boolean {
  if (!writes(parent, effect) || parent === null) return false;
  if (Array.isArray(parent)) {
    const index = Number(parentProperty);
    if (effect.kind === 'replace') parent[index] = effect.value;
    else if (effect.kind === 'splice') spliceIn(parent, index, effect.values);
    return true;
  }
  const key = String(parentProperty);
  if (effect.kind === 'replace') setOwn(parent, key, effect.value);
  else if (effect.kind === 'splice') setOwn(parent, key, effect.values);
  return true;
}

/** `array.splice(index, 1, ...values)` without spreading: a spread of 150,000 members overflows the stack. */
function spliceIn(array: unknown[], index: number, values: readonly unknown[]): void {
  const tail = array.splice(index + 1);
  array.length = index;
  for (const value of values) array.push(value);
  for (const value of tail) array.push(value);
}
