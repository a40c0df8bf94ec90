// A rule's `select`, compiled once. The shapes the rules use ($.body, $.query.filter,
// $.body.Operations[*], $.body['urn:…'].manager) are walked directly, giving exactly the matches
// jsonpath-plus gives, in the same order; any other path goes to jsonpath-plus. Walking directly
// spares jsonpath-plus's path string and JSON Pointer for every match, which were a third of the
// engine's time on a 10,000-member removal (bench/RESULTS.md).
import { JSONPath } from 'jsonpath-plus';

export interface Match {
  /** The member of the document the match lies in: `query` or `body`. */
  top: string;
  value: unknown;
  parent: Record<string, unknown> | unknown[] | null;
  parentProperty: string | number;
}

export type Selector = (document: Record<string, unknown>) => Match[];

/** `.name`, `['name']` or `[*]`; null when the path has any other step. */
type Step = string | typeof ALL;
const ALL = Symbol('*');
const STEP = /^(?:\.([A-Za-z_][A-Za-z0-9_]*)|\['([^'\\[\]]*)'\]|\[\*\])/;

function parse(select: string): Step[] | undefined {
  if (!select.startsWith('$')) return undefined;
  const steps: Step[] = [];
  let rest = select.slice(1);
  while (rest.length > 0) {
    const step = STEP.exec(rest);
    if (!step) return undefined;
    steps.push(step[1] ?? step[2] ?? ALL);
    rest = rest.slice(step[0].length);
  }
  // The first step names the top member (query or body); `$` alone or `$[*]` is left to jsonpath-plus.
  return typeof steps[0] === 'string' ? steps : undefined;
}

/**
 * jsonpath-plus's rules: a name matches an own property of a truthy value; `*` walks array indexes or
 * object keys. Depth first, which gives jsonpath-plus's order (each parent's matches in turn); only
 * the last step's values become matches, so a walk through `$.body.Operations[*]` allocates one
 * match per operation and nothing for the steps on the way.
 */
function walk(steps: readonly Step[], document: Record<string, unknown>): Match[] {
  const matches: Match[] = [];
  descend(steps, 0, document, null, '', matches);
  return matches;
}

function descend(
  steps: readonly Step[],
  index: number,
  value: unknown,
  parent: Match['parent'],
  parentProperty: string | number,
  matches: Match[],
): void {
  if (index === steps.length) {
    matches.push({ top: steps[0] as string, value, parent, parentProperty });
    return;
  }
  const step = steps[index] as Step;
  const container = value as Record<string, unknown> & unknown[];
  if (step !== ALL) {
    if (value && Object.hasOwn(value as object, step))
      descend(steps, index + 1, container[step], container, step, matches);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) descend(steps, index + 1, value[i], value, i, matches);
  } else if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) descend(steps, index + 1, container[key], container, key, matches);
  }
}

const compiled = new Map<string, Selector>();

/** The selector for `select`; compiled once per distinct path (rules share a handful). */
export function selector(select: string): Selector {
  let found = compiled.get(select);
  if (!found) {
    const steps = parse(select);
    found = steps
      ? (document) => walk(steps, document)
      : (document) =>
          (
            JSONPath({ path: select, json: document, resultType: 'all', eval: 'safe' }) as (Omit<Match, 'top'> & {
              pointer: string;
            })[]
          ).map(({ pointer, value, parent, parentProperty }) => ({
            top: pointer.split('/')[1] ?? '',
            value,
            parent,
            parentProperty,
          }));
    compiled.set(select, found);
  }
  return found;
}
