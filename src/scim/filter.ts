// SCIM filters (RFC 7644 §3.4.2.2): just enough of a tokenizer to rewrite Entra's non-standard
// filters and to build safe ones. Comparison values are JSON strings, so escaping an id with
// JSON.stringify is what keeps it from changing what a filter selects.

type TokenKind = 'open' | 'close' | 'openBracket' | 'closeBracket' | 'string' | 'word';

export interface Token {
  kind: TokenKind;
  text: string;
}

const COMPARE_OPS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);
const LITERAL = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/;
const PUNCTUATION: Record<string, TokenKind> = {
  '(': 'open',
  ')': 'close',
  '[': 'openBracket',
  ']': 'closeBracket',
};

/** Splits a filter into tokens; undefined when a string is left open. */
export function tokenize(filter: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const ch = filter.charAt(i);
    if (/\s/.test(ch)) {
      i++;
    } else if (PUNCTUATION[ch]) {
      tokens.push({ kind: PUNCTUATION[ch], text: ch });
      i++;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < filter.length && filter.charAt(j) !== '"') j += filter.charAt(j) === '\\' ? 2 : 1;
      if (j >= filter.length) return undefined;
      tokens.push({ kind: 'string', text: filter.slice(i, j + 1) });
      i = j + 1;
    } else {
      let j = i;
      while (j < filter.length && !/[\s()[\]"]/.test(filter.charAt(j))) j++;
      tokens.push({ kind: 'word', text: filter.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

export function serialize(tokens: readonly Token[]): string {
  let out = '';
  let previous: Token | undefined;
  for (const token of tokens) {
    const glued =
      previous === undefined ||
      previous.kind === 'open' ||
      previous.kind === 'openBracket' ||
      token.kind === 'close' ||
      token.kind === 'closeBracket' ||
      token.kind === 'openBracket' ||
      (previous.kind === 'closeBracket' && token.text.startsWith('.'));
    out += glued ? token.text : ` ${token.text}`;
    previous = token;
  }
  return out;
}

const isOperator = (t: Token | undefined): boolean => t?.kind === 'word' && COMPARE_OPS.has(t.text.toLowerCase());
const isPresent = (t: Token | undefined): boolean => t?.kind === 'word' && t.text.toLowerCase() === 'pr';

/** `id eq 54D3` → `id eq "54D3"`: a bare comparison value that is not a JSON literal becomes a string. */
export function quoteBareValues(tokens: readonly Token[]): Token[] {
  return tokens.map((token, i) => {
    if (token.kind !== 'word' || !isOperator(tokens[i - 1]) || LITERAL.test(token.text)) return token;
    return { kind: 'string', text: JSON.stringify(token.text) };
  });
}

/**
 * `emails[type eq "work"].value eq "x"` → `emails[type eq "work" and value eq "x"]`: Entra puts the
 * sub-attribute after the bracket, which RFC 7644 allows only in PATCH paths, not in filters.
 */
export function foldSubAttributeComparisons(tokens: readonly Token[]): Token[] {
  const out = [...tokens];
  for (let close = 0; close < out.length; close++) {
    const sub = out[close + 1];
    if (out[close]?.kind !== 'closeBracket' || sub?.kind !== 'word' || !sub.text.startsWith('.')) continue;
    const op = out[close + 2];
    if (!isOperator(op) && !isPresent(op)) continue;
    const tail = isPresent(op) ? 2 : 3;
    const open = matchingOpen(out, close);
    if (open === undefined || (tail === 3 && out[close + 3] === undefined)) continue;
    const inner = out.slice(open + 1, close);
    const grouped = inner.some((t) => t.kind === 'word' && t.text.toLowerCase() === 'or')
      ? [{ kind: 'open' as const, text: '(' }, ...inner, { kind: 'close' as const, text: ')' }]
      : inner;
    const comparison = [{ kind: 'word' as const, text: sub.text.slice(1) }, ...out.slice(close + 2, close + 1 + tail)];
    const rebuilt = [...grouped, { kind: 'word' as const, text: 'and' }, ...comparison];
    out.splice(open + 1, close + tail - open, ...rebuilt, { kind: 'closeBracket', text: ']' });
    close = open + rebuilt.length + 1;
  }
  return out;
}

function matchingOpen(tokens: readonly Token[], close: number): number | undefined {
  for (let i = close - 1; i >= 0; i--) {
    if (tokens[i]?.kind === 'openBracket') return i;
    if (tokens[i]?.kind === 'closeBracket') return undefined;
  }
  return undefined;
}

/**
 * The string a quoted filter value holds, or undefined when it is not a JSON string (RFC 7644
 * §3.4.2.2): `"a\x"` or a raw control character. The tokenizer only finds where a string ends;
 * clients paste values in unescaped, and such a value is left as written rather than guessed at.
 */
export function stringValue(literal: string): string | undefined {
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A filter selecting the multi-valued element whose `value` is exactly `id`, whatever `id` holds. */
export function valueEquals(attribute: string, id: string): string {
  return `${attribute}[value eq ${JSON.stringify(id)}]`;
}
