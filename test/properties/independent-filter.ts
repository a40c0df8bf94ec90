// Reads the proxy's output filters with scim2-parse-filter, a SCIM filter parser that shares no code
// with src/scim/filter.ts, so a property checks the rewrite against someone else's reading of RFC 7644.
import { type Filter, parse } from 'scim2-parse-filter';

/**
 * scim2-parse-filter 0.2 decodes only `\"` inside a string and keeps every other escape as written
 * (`"a\\b"` gives `a\\b`, `"\n"` gives `\n` as two characters). RFC 7644 §3.4.2.2 says a comparison
 * value is a JSON string, so the JSON decoding it skipped is finished here; its token boundaries and
 * syntax tree are taken as it gives them.
 */
function finishJsonDecoding(partlyDecoded: string): string {
  return JSON.parse(`"${partlyDecoded.replaceAll('"', '\\"')}"`);
}

// RFC 7644 PATCH paths are `attrPath` or `valuePath [subAttr]`; a filter grammar has no subAttr after
// the bracket, so it is cut off before parsing: `emails[type eq "work"].value` → `emails[type eq "work"]`.
const SUB_ATTRIBUTE = /^(.*\])\.[A-Za-z][\w$-]*$/s;

/** The syntax tree of the filter in a PATCH path; throws when scim2-parse-filter rejects it. */
export function parsePathFilter(path: string): Filter {
  const valuePath = SUB_ATTRIBUTE.exec(path)?.[1] ?? path;
  const tree = parse(valuePath);
  if (tree.op !== '[]') throw new Error(`"${path}" is not a value path but a ${tree.op} filter`);
  return tree;
}

// A string ending in a backslash is written `"…\\"`; scim2-parse-filter 0.2 reads the last `\"` as an
// escaped quote and fails on an RFC-valid filter. Only for that case, the literal is read as JSON.
const MEMBER_FILTER = /^members\[value eq ("(?:[^"\\]|\\.)*")\]$/s;

/**
 * The member id in a `members[value eq "<id>"]` path, as scim2-parse-filter reads it. Throws unless
 * the path is exactly one equality on `value` inside `members[...]`: an id that escaped its string
 * (`"] or value pr or ["`) shows up here as an `or`, a second bracket, or a parse error.
 */
export function memberIdOf(path: string): string {
  let tree: Filter;
  try {
    tree = parse(path);
  } catch (error) {
    const literal = MEMBER_FILTER.exec(path)?.[1];
    const id = literal === undefined ? undefined : JSON.parse(literal);
    if (typeof id === 'string' && id.endsWith('\\')) return id;
    throw error;
  }
  if (
    tree.op !== '[]' ||
    tree.attrPath !== 'members' ||
    tree.valFilter.op !== 'eq' ||
    tree.valFilter.attrPath !== 'value' ||
    typeof tree.valFilter.compValue !== 'string'
  ) {
    throw new Error(`"${path}" is not members[value eq "<id>"]: scim2-parse-filter reads ${JSON.stringify(tree)}`);
  }
  return finishJsonDecoding(tree.valFilter.compValue);
}
