import type { Action } from './action.ts';
import type { Example } from './schema.ts';

/** A rule as the engine uses it: validated, its action resolved and its parameters parsed. */
export interface Rule {
  id: string;
  summary: string;
  /** The file it came from, for messages. */
  file: string;
  direction: 'request' | 'response';
  methods: ReadonlySet<string>;
  /** Undefined: every resource. */
  resources: ReadonlySet<string> | undefined;
  select: string;
  action: Action<unknown>;
  params: unknown;
  examples: readonly Example[];
}

export function appliesTo(rule: Rule, direction: Rule['direction'], method: string, resource: string): boolean {
  return (
    rule.direction === direction &&
    rule.methods.has(method) &&
    (rule.resources === undefined || rule.resources.has(resource))
  );
}
