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
 * `array` with `map` applied to each item; the very same array when `map` gave every item back
 * unchanged, copied only from the first change on (the copy-on-change walks over request bodies).
 */
export function mapChanged(array: readonly unknown[], map: (item: unknown) => unknown): readonly unknown[] {
  let items: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const next = map(array[i]);
    if (next !== array[i]) {
      items ??= array.slice();
      items[i] = next;
    }
  }
  return items ?? array;
}

/**
 * A copy of `object`'s own keys that come before `stop`, in order: what a copy-on-change walk has
 * passed unchanged when it meets its first change. Walks use `for...in` with `Object.hasOwn` rather
 * than `Object.keys`: V8 then reads each value by its field index and allocates no array of keys.
 */
export function copyKeysBefore(object: Record<string, unknown>, stop: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in object) {
    if (key === stop) break;
    if (Object.hasOwn(object, key)) setOwn(copy, key, object[key]);
  }
  return copy;
}

/**
 * What makes a parsed JSON text unsafe to pass on, or undefined: nesting deeper than `maxDepth`
 * (recursive code downstream would overflow its stack), or a key given twice in one object, also in
 * another case (JSON.parse keeps the last, another parser may keep the first, and RFC 7643 §2.1 lets a
 * server read names in any case: the rules and MAS would read different values).
 * `text` must be valid JSON; one pass, no recursion. It runs on every request body, so it reads
 * character codes, jumps over strings with indexOf and keeps a small object's keys in an array.
 */
export function structureProblem(text: string, maxDepth: number): string | undefined {
  const keys = new OpenKeys();
  // One entry per open container: where its keys start in `keys` for an object, -1 for an array.
  const open: number[] = [];
  let object = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i);
      if (object && nextTokenCode(text, end + 1) === COLON) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        const problem = keys.add(open[open.length - 1] as number, key);
        if (problem) return problem;
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      object = c === OPEN_OBJECT;
      open.push(object ? keys.count : -1);
      if (open.length > maxDepth) return `it nests deeper than ${maxDepth} levels`;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      const start = open.pop() as number;
      if (start >= 0) keys.close(start);
      object = open.length > 0 && (open[open.length - 1] as number) >= 0;
    }
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** Past this many keys an object's keys are also kept in a Map: a linear search would make a huge object quadratic. */
const LINEAR_KEYS = 16;

/**
 * The keys of every open object, one stack for the whole text (by lower case, each with its
 * spelling as sent): an object's keys are the run from where it opened, dropped when it closes, so
 * checking a body allocates nothing per object.
 */
class OpenKeys {
  count = 0;
  lower: string[] = [];
  spelled: string[] = [];
  /** For each open object that is large (by where its keys start: no two open objects share it), its keys by lower case. */
  large = new Map<number, Map<string, string>>();

  /** Why `key` may not join its object (keys from `start`), or undefined after adding it. */
  add(start: number, key: string): string | undefined {
    const lower = key.toLowerCase();
    const map = this.large.get(start);
    const seen = map ? map.get(lower) : this.find(start, lower);
    if (seen === key) return `the key "${key.slice(0, 60)}" appears twice in one object`;
    if (seen !== undefined) {
      return `the keys "${seen.slice(0, 60)}" and "${key.slice(0, 60)}" name the same attribute (SCIM names are case-insensitive)`;
    }
    if (map) map.set(lower, key);
    else if (this.count - start >= LINEAR_KEYS) this.large.set(start, this.mapOf(start).set(lower, key));
    this.lower[this.count] = lower;
    this.spelled[this.count] = key;
    this.count++;
    return undefined;
  }

  close(start: number): void {
    this.count = start;
    this.large.delete(start);
  }

  private find(start: number, lower: string): string | undefined {
    for (let i = start; i < this.count; i++) if (this.lower[i] === lower) return this.spelled[i];
    return undefined;
  }

  private mapOf(start: number): Map<string, string> {
    const map = new Map<string, string>();
    for (let i = start; i < this.count; i++) map.set(this.lower[i] as string, this.spelled[i] as string);
    return map;
  }
}

/** The index of the quote closing the string that opens at `from`. */
function closingQuote(text: string, from: number): number {
  let end = text.indexOf('"', from + 1);
  while (escaped(text, end)) end = text.indexOf('"', end + 1);
  return end;
}

/** Whether the character at `at` follows an odd number of backslashes. */
function escaped(text: string, at: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

function nextTokenCode(text: string, from: number): number {
  let i = from;
  let c = text.charCodeAt(i);
  while (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) c = text.charCodeAt(++i);
  return c;
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
