// Structural equality for JSON values (key order ignored), so actions can say "nothing changed".
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const objB = b as Record<string, unknown>;
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(objB, k) && jsonEqual((a as Record<string, unknown>)[k], objB[k]))
  );
}

/**
 * Sets an own property even when the key is `__proto__`: plain assignment would change the object's
 * prototype instead and silently drop that key from the request.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Only `__proto__` is an accessor on Object.prototype; every other key assigns as an own property.
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * What makes a parsed JSON text unsafe to pass on, or undefined: nesting deeper than `maxDepth`
 * (recursive code downstream would overflow its stack), or a key given twice in one object, also in
 * another case (JSON.parse keeps the last, another parser may keep the first, and RFC 7643 §2.1 lets a
 * server read names in any case: the rules and MAS would read different values).
 * `text` must be valid JSON; one pass, no recursion.
 */
export function structureProblem(text: string, maxDepth: number): string | undefined {
  // One entry per open container: the keys seen so far (by lower case) for an object, null for an array.
  const open: (Map<string, string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{' || c === '[') {
      open.push(c === '{' ? new Map() : null);
      if (open.length > maxDepth) return `it nests deeper than ${maxDepth} levels`;
    } else if (c === '}' || c === ']') {
      open.pop();
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open.at(-1);
      if (keys && nextToken(text, end + 1) === ':') {
        const token = text.slice(i, end + 1);
        const key = token.includes('\\') ? (JSON.parse(token) as string) : token.slice(1, -1);
        const lower = key.toLowerCase();
        const seen = keys.get(lower);
        if (seen === key) return `the key "${key.slice(0, 60)}" appears twice in one object`;
        if (seen !== undefined) {
          return `the keys "${seen.slice(0, 60)}" and "${key.slice(0, 60)}" name the same attribute (SCIM names are case-insensitive)`;
        }
        keys.set(lower, key);
      }
      i = end;
    }
  }
  return undefined;
}

function nextToken(text: string, from: number): string | undefined {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i++;
  return text[i];
}

/** SCIM resources and PATCH requests nest a handful of levels; far deeper is an attack on recursion. */
export const MAX_JSON_DEPTH = 64;

/** Whether JSON `bytes` nest arrays and objects deeper than `maxDepth`; one pass over the bytes, brackets in strings skipped. */
export function nestedDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x22) {
      // Skip the string: a backslash escapes the next byte, and UTF-8 never puts 0x22 inside a character.
      for (i++; i < bytes.length && bytes[i] !== 0x22; i++) if (bytes[i] === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
