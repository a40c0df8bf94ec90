/**
 * A profile's users or groups: records by id, plus an index on the one attribute Entra finds them
 * by (`userName`, `displayName`), as a real SCIM server has. Without it every match GET and every
 * userName uniqueness check scanned the whole tenant, and a 100,000-user sync took hours.
 *
 * The index only narrows: a filter is still evaluated by scimmy on the records the index yields,
 * so answers are exactly those of a full scan. Records are replaced on write, never changed in
 * place where the indexed attribute is concerned; that is what keeps the index true.
 */
import type { ScimRecord } from './store.ts';

export interface Records {
  /** The indexed attribute (`userName`, `displayName`). */
  readonly attribute: string;
  get(id: string): ScimRecord | undefined;
  has(id: string): boolean;
  /** Adds or replaces; a replaced record keeps its place in the order, as in a Map. */
  set(id: string, record: ScimRecord): void;
  delete(id: string): boolean;
  /** In insertion order. */
  values(): MapIterator<ScimRecord>;
  /**
   * The records whose attribute, read as `String(value)`, equals `value` without regard to case
   * (RFC 7643: `userName` is not case-exact), in insertion order.
   */
  withKey(value: string): ScimRecord[];
  /**
   * The string a scimmy filter requires the attribute to equal (`<attribute> eq "<string>"`), when
   * the index can answer it (its records are `withKey` that string); undefined when it takes a scan.
   */
  keyIn(filter: FilterExpressions): string | undefined;
}

/** scimmy's parsed filter: branches joined by `or`, each attribute → expression(s) joined by `and`. */
export type FilterExpressions = readonly Readonly<Record<string, unknown>>[];

export function createRecords(attribute: string): Records {
  const byId = new Map<string, ScimRecord>();
  const keyOf = new Map<string, string>();
  const byKey = new Map<string, Set<string>>();
  // Insertion rank, to give several records with one key back in the Map's order.
  const rank = new Map<string, number>();
  let inserted = 0;
  // Records the index cannot answer a filter for (see `irregular`); while any exists, filters scan.
  const irregulars = new Set<string>();
  const lowerAttribute = attribute.toLowerCase();

  const key = (value: unknown) => String(value).toLowerCase();

  function unindex(id: string): void {
    const old = keyOf.get(id);
    if (old === undefined) return;
    const ids = byKey.get(old);
    ids?.delete(id);
    if (ids?.size === 0) byKey.delete(old);
    keyOf.delete(id);
    irregulars.delete(id);
  }

  /**
   * scimmy's filter reads the first property whose name matches the attribute in any case, and
   * dives into arrays and objects. A record whose attribute is not a plain property with a scalar
   * value could match where its index key says it would not, so it switches the index off.
   */
  function irregular(record: ScimRecord): boolean {
    const value = record[attribute];
    if (value !== null && typeof value === 'object') return true;
    for (const name of Object.keys(record)) {
      if (name !== attribute && name.toLowerCase() === lowerAttribute) return true;
    }
    return false;
  }

  function withKey(value: string): ScimRecord[] {
    const ids = byKey.get(key(value));
    if (!ids) return [];
    const found = [...ids].map((id) => byId.get(id) as ScimRecord);
    if (found.length > 1) found.sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
    return found;
  }

  const keyIn = (filter: FilterExpressions) =>
    irregulars.size > 0 ? undefined : requiredEquality(filter, lowerAttribute);

  return {
    attribute,
    get: (id) => byId.get(id),
    has: (id) => byId.has(id),
    set(id, record) {
      unindex(id);
      if (!byId.has(id)) rank.set(id, inserted++);
      byId.set(id, record);
      const k = key(record[attribute]);
      keyOf.set(id, k);
      let ids = byKey.get(k);
      if (!ids) {
        ids = new Set();
        byKey.set(k, ids);
      }
      ids.add(id);
      if (irregular(record)) irregulars.add(id);
    },
    delete(id) {
      unindex(id);
      rank.delete(id);
      return byId.delete(id);
    },
    values: () => byId.values(),
    withKey,
    keyIn,
  };
}

/**
 * The string `<attribute> eq` must equal for the filter to match, if it says one. Only a single
 * branch (no `or`) qualifies; `and` with other attributes is fine, scimmy checks those after.
 */
function requiredEquality(filter: FilterExpressions, lowerAttribute: string): string | undefined {
  if (filter.length !== 1) return undefined;
  const branch = filter[0] as Readonly<Record<string, unknown>>;
  for (const [name, expressions] of Object.entries(branch)) {
    if (name.toLowerCase() !== lowerAttribute || !Array.isArray(expressions)) continue;
    const list: unknown[] = expressions.every(Array.isArray) ? expressions : [expressions];
    for (const expression of list) {
      if (!Array.isArray(expression) || expression.length !== 2) continue;
      const [comparator, expected] = expression as [unknown, unknown];
      if (String(comparator).toLowerCase() === 'eq' && typeof expected === 'string') return expected;
    }
  }
  return undefined;
}
