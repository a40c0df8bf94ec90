// The query string, kept as received so an unchanged query reaches MAS byte for byte, and rebuilt
// pair by pair only where a rule changed a value.
import { ScimError } from './error.ts';
import { setOwn } from './json.ts';

interface Pair {
  raw: string;
  key: string;
  value: string;
}

export interface ParsedQuery {
  raw: string;
  pairs: readonly Pair[];
  values: Record<string, string>;
  /**
   * Every parameter name in lower case, splitting at `;` too: servers differ on both (a Java servlet
   * container reads `;` as a separator, SCIM names are case-insensitive), so checks use the widest reading.
   */
  names: readonly string[];
}

const decode = (part: string): string => {
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch {
    throw new ScimError(
      400,
      `The query has a malformed percent-encoding (${part.slice(0, 40)}); encode it with encodeURIComponent.`,
      {
        code: 'bad_query',
        scimType: 'invalidSyntax',
      },
    );
  }
};

export function parseQuery(raw: string): ParsedQuery {
  const pairs: Pair[] = [];
  const values: Record<string, string> = {};
  const names: string[] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    addName(names, key);
    if (value.includes(';'))
      for (const piece of part.split(';').slice(1)) addName(names, decode(piece.split('=')[0] ?? ''));
    setOwn(values, key, value);
    pairs.push({ raw: part, key, value });
  }
  return { raw, pairs, values, names };
}

function addName(names: string[], name: string): void {
  const lower = name.toLowerCase();
  if (names.includes(lower)) {
    // MAS may read the first and a rule the last, or `Filter` where a rule reads `filter`: refuse
    // rather than let the two disagree.
    throw new ScimError(
      400,
      `The query parameter "${name.slice(0, 40)}" is given more than once (names are compared in any case, ";" separates too); send it once.`,
      { code: 'duplicate_query_parameter', scimType: 'invalidSyntax' },
    );
  }
  names.push(lower);
}

/** The query string to forward: the received pairs, minus removed keys, re-encoded only where changed. */
export function formatQuery(parsed: ParsedQuery, values: Record<string, string>): string {
  const out: string[] = [];
  for (const pair of parsed.pairs) {
    if (!Object.hasOwn(values, pair.key)) continue;
    const value = values[pair.key];
    out.push(value === pair.value ? pair.raw : `${encodeURIComponent(pair.key)}=${encodeURIComponent(value ?? '')}`);
  }
  for (const [key, value] of Object.entries(values)) {
    if (!parsed.pairs.some((p) => p.key === key)) out.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  return out.join('&');
}
