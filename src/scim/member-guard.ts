// The guard: the one place that decides whether a request can remove group members it does not
// name. It reads the request as the most lenient server would (names in any case, URN-qualified
// paths, path-less values, PUT's whole resource) and judges what the request does, not how it is
// spelled. What it cannot classify it refuses: a wrong guess empties a Maximo security group.
import type { ScimType } from './error.ts';
import { tokenize } from './filter.ts';
import { isPlainObject, type PlainObject } from './patch.ts';

const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:group';
/** Control characters, zero-width and bidirectional marks, line separators: unseen in a log, read differently by servers. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const OPS = new Set(['add', 'remove', 'replace']);
/** RFC 7643 §2.1 ATTRNAME; anything else in a path is a spelling the guard cannot vouch for. */
const ATTRIBUTE_NAME = /^[a-z][\w$-]*$/;
/**
 * The one path a legacy removal is expanded into, one per member: `members[value eq "<id>"]` with the
 * id a JSON string. The full reading below gives it the same verdict (named members, nothing
 * invisible outside the literal); recognising it at once keeps a 10,000-member removal from being
 * tokenized twice over.
 */
const NAMED_MEMBER_PATH = /^members\[value eq "(?:[^"\\\p{Cc}]|\\["\\/bfnrt]|\\u[0-9A-Fa-f]{4})*"\]$/u;

/** What is wrong with a request, for the caller to turn into a SCIM error. */
export interface Finding {
  /** `removes-unnamed` can be allowed by ALLOW_REMOVE_ALL_MEMBERS; the others never. */
  kind: 'removes-unnamed' | 'malformed' | 'unclassifiable';
  /** Which operation, as the sender wrote it (op and path only). */
  operation: string;
  why: string;
}

/** The value of `name` in `object`, matched in any case (the body check refuses keys that collide so). */
export function field(object: PlainObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  for (const key in object)
    if (key.length === name.length && Object.hasOwn(object, key) && key.toLowerCase() === name) return object[key];
  return undefined;
}

/** A PatchOp body's operations, or a finding when they are not an array of operations with plain op and path. */
export function patchOperations(body: unknown): PlainObject[] | Finding {
  const operations = isPlainObject(body) ? field(body, 'operations') : undefined;
  if (!Array.isArray(operations)) {
    return { kind: 'malformed', operation: 'Operations', why: '"Operations" must be an array of operations' };
  }
  for (let i = 0; i < operations.length; i++) {
    const operation: unknown = operations[i];
    if (!isPlainObject(operation) || typeof field(operation, 'op') !== 'string') {
      return { kind: 'malformed', operation: `#${i + 1}`, why: 'each operation must be an object with a string "op"' };
    }
    const op = field(operation, 'op') as string;
    const path = field(operation, 'path');
    if (path !== undefined && typeof path !== 'string') {
      return { kind: 'malformed', operation: describe(operation), why: '"path" must be a string' };
    }
    const pathInvisible = path !== undefined && !NAMED_MEMBER_PATH.test(path) && INVISIBLE.test(outsideLiterals(path));
    if (INVISIBLE.test(op) || pathInvisible) {
      return {
        kind: 'malformed',
        operation: describe(operation),
        why: '"op" and "path" must not contain control or invisible characters',
      };
    }
  }
  return operations as PlainObject[];
}

const ENVELOPE = ['op', 'path', 'value'];

/**
 * A PatchOp's own names in another spelling than RFC 7644's (`operations`, `Op`, `PATH`): the rules
 * read the canonical names, so such a request would reach MAS with parts no rule has seen. Judged
 * after what the operations do, so a wipe is refused as a wipe whatever its spelling.
 */
export function envelopeSpelling(body: PlainObject, operations: readonly PlainObject[]): Finding | undefined {
  const found = (key: string, canonical: string): Finding => ({
    kind: 'malformed',
    operation: key.slice(0, 40),
    why: `"${key.slice(0, 40)}" is spelled "${canonical}" in RFC 7644 §3.5.2; scim-proxy's rules read that spelling, so send it so`,
  });
  if (!Object.hasOwn(body, 'Operations')) {
    const key = Object.keys(body).find((k) => k.toLowerCase() === 'operations') ?? 'Operations';
    return found(key, 'Operations');
  }
  for (const operation of operations) {
    for (const key in operation) {
      if (!Object.hasOwn(operation, key)) continue;
      const lower = key.toLowerCase();
      if (key !== lower && ENVELOPE.includes(lower)) return found(key, lower);
    }
  }
  return undefined;
}

/** Why this Groups PATCH operation can remove members it does not name, or undefined when it cannot. */
export function memberRemoval(operation: PlainObject): Finding | undefined {
  const op = (field(operation, 'op') as string).trim().toLowerCase();
  const path = field(operation, 'path') as string | undefined;
  const value = field(operation, 'value');
  const found = (kind: Finding['kind'], why: string): Finding => ({ kind, operation: describe(operation), why });
  if (!OPS.has(op))
    return found('unclassifiable', `"${op.slice(0, 20)}" is not a SCIM operation (add, remove, replace)`);
  const target = path === undefined ? ({ kind: 'root' } as const) : memberTarget(path);
  if (target.kind === 'other') return undefined;
  if (target.kind === 'unreadable')
    return found('unclassifiable', 'scim-proxy cannot tell which members its path reaches');
  if (op === 'add') {
    return target.kind === 'every-member'
      ? found('removes-unnamed', 'it changes a sub-attribute of every member')
      : undefined;
  }
  if (target.kind === 'root') {
    if (op === 'remove') return found('removes-unnamed', 'a remove without a path removes the whole resource');
    if (!isPlainObject(value)) return found('unclassifiable', 'a path-less replace must carry an object');
    const problem = memberLists(value).map(listProblem).find(Boolean);
    return problem ? found('removes-unnamed', `a path-less replace sets "members" to ${problem}`) : undefined;
  }
  if (target.kind === 'named') return undefined;
  if (target.kind === 'filtered')
    return found('removes-unnamed', 'its filter is not `value eq "<id>"` (or an or-chain of those)');
  if (target.kind === 'every-member')
    return found('removes-unnamed', 'it reaches every member (a sub-attribute without a filter)');
  // The whole member list.
  if (op === 'remove')
    return found('removes-unnamed', 'a remove of "members" without a filter removes every member (RFC 7644 §3.5.2.2)');
  const problem = listProblem(value);
  return problem ? found('removes-unnamed', `it replaces the member list with ${problem}`) : undefined;
}

/** Why a PUT of a group can remove members it does not name: PUT replaces the group, member list included. */
export function groupPutRemoval(body: unknown): Finding | undefined {
  const lists = isPlainObject(body) ? memberLists(body) : [];
  const operation = 'PUT';
  if (lists.length === 0) {
    return {
      kind: 'removes-unnamed',
      operation,
      why: 'a PUT without "members" replaces the group with one that has none',
    };
  }
  const problem = lists.map(listProblem).find(Boolean);
  return problem
    ? { kind: 'removes-unnamed', operation, why: `it replaces the member list with ${problem}` }
    : undefined;
}

const SAFE_FORMS =
  'Remove members one by one with {"op":"remove","path":"members[value eq \\"<id>\\"]"}, or replace the list with every member it keeps, each as {"value":"<id>"}';

/** The refusal of a finding on `target` (`Groups "g1"`): a stable code, and a reason naming the operation and the safe form. */
export function refusalOf(finding: Finding, target: string): { code: string; scimType: ScimType; reason: string } {
  if (finding.kind === 'malformed') {
    return {
      code: 'patch_malformed',
      scimType: 'invalidSyntax',
      reason: `The PATCH of ${target} is refused: ${finding.why} (${finding.operation}).`,
    };
  }
  if (finding.kind === 'unclassifiable') {
    return {
      code: 'member_change_unclassifiable',
      scimType: 'invalidPath',
      reason: `Refused: operation ${finding.operation} on ${target}: ${finding.why}, so scim-proxy cannot tell whether it removes members it does not name. ${SAFE_FORMS}.`,
    };
  }
  return {
    code: 'member_removal_refused',
    scimType: 'noTarget',
    reason: `Refused: ${finding.operation} on ${target} would remove members it does not name: ${finding.why}. scim-proxy blocks it so one request cannot empty a Maximo security group. ${SAFE_FORMS}; or set ALLOW_REMOVE_ALL_MEMBERS=true if emptying groups is intended.`,
  };
}

type MemberTarget =
  | { kind: 'root' }
  | { kind: 'other' }
  | { kind: 'unreadable' }
  | { kind: 'all' }
  | { kind: 'every-member' }
  | { kind: 'named' }
  | { kind: 'filtered' };

/** What a PATCH path reaches of `members`: nothing, the whole list, every member, named members, or a filter's choice. */
function memberTarget(rawPath: string): MemberTarget {
  if (NAMED_MEMBER_PATH.test(rawPath)) return NAMED;
  let path = rawPath.trim();
  const lower = path.toLowerCase();
  if (lower === GROUP_URN) return { kind: 'root' };
  const bracket = path.indexOf('[');
  const head = bracket < 0 ? path : path.slice(0, bracket);
  // `urn:...:Group:members[...]`: the attribute is what follows the schema URN's last colon.
  if (head.toLowerCase().startsWith('urn:')) path = path.slice(head.lastIndexOf(':') + 1);
  const end = path.search(/[[.]/);
  const attribute = (end < 0 ? path : path.slice(0, end)).trim().toLowerCase();
  if (attribute !== 'members') return ATTRIBUTE_NAME.test(attribute) ? { kind: 'other' } : { kind: 'unreadable' };
  const rest = end < 0 ? '' : path.slice(end);
  if (rest.trim() === '') return { kind: 'all' };
  if (rest.startsWith('.')) return { kind: 'every-member' };
  const tokens = tokenize(rest);
  if (tokens?.[0]?.kind !== 'openBracket') return { kind: 'unreadable' };
  const close = tokens.findIndex((t) => t.kind === 'closeBracket');
  if (close !== tokens.length - 1) return { kind: 'unreadable' };
  return namesMembers(tokens.slice(1, close)) ? NAMED : { kind: 'filtered' };
}
const NAMED: MemberTarget = Object.freeze({ kind: 'named' });

/** `value eq "a"`, `value eq "a" or value eq "b"`: a filter that selects only members it names. */
function namesMembers(tokens: ReturnType<typeof tokenize> & {}): boolean {
  if (tokens.length === 0 || (tokens.length + 1) % 4 !== 0) return false;
  for (let i = 0; i < tokens.length; i += 4) {
    const [attribute, operator, literal, joiner] = [tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]];
    if (attribute?.kind !== 'word' || attribute.text.toLowerCase() !== 'value') return false;
    if (operator?.kind !== 'word' || operator.text.toLowerCase() !== 'eq') return false;
    if (literal?.kind !== 'string' || typeof safeParse(literal.text) !== 'string') return false;
    if (joiner !== undefined && (joiner.kind !== 'word' || joiner.text.toLowerCase() !== 'or')) return false;
  }
  return true;
}

/** Every member list a resource (or a path-less value) sets: `members`, URN-qualified, or inside the Group URN's object. */
function memberLists(resource: PlainObject): unknown[] {
  const lists: unknown[] = [];
  for (const key of Object.keys(resource)) {
    const lower = key.toLowerCase();
    if (lower === 'members' || lower === `${GROUP_URN}:members`) lists.push(resource[key]);
    else if (lower === GROUP_URN && isPlainObject(resource[key])) lists.push(...memberLists(resource[key]));
    else if (/^(urn:.*:)?members\s*[[.]/i.test(key)) lists.push(undefined);
  }
  return lists;
}

/** What is wrong with a member list that replaces the current one, or undefined when it names every member it keeps. */
function listProblem(list: unknown): string | undefined {
  if (!Array.isArray(list)) {
    return list === undefined ? 'a member filter or sub-attribute' : `${JSON.stringify(list).slice(0, 40)}, not a list`;
  }
  if (list.length === 0) return 'an empty list';
  for (const member of list) {
    const id = isPlainObject(member) ? field(member, 'value') : undefined;
    if ((typeof id !== 'string' || id === '') && typeof id !== 'number') return 'a member without a "value"';
  }
  return undefined;
}

function describe(operation: PlainObject): string {
  const op = field(operation, 'op');
  const path = field(operation, 'path');
  return JSON.stringify({ op, ...(path !== undefined && { path }) }).slice(0, 200);
}

/** A path without its quoted filter values: an id may hold any character, the path around it not. */
function outsideLiterals(path: string): string {
  return path.includes('"') ? path.replace(/"(?:[^"\\]|\\.)*"/g, '""') : path;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
