// What of an exchange a recording may keep. Secrets never (the audit trail's redaction). Personal data,
// when asked, as the audit trail's stable hashes, decided by attribute, so one value gets one hash in
// every file: a userName in a POST, in a later `userName eq` filter and in the forwarded request alike.
// User ids count as personal (MAS may use the user name as id), wherever they appear: in the path, as
// a group member, as a manager, in a filter, in MAS's answer. A hashed recording still replays.

import {
  attributeOf,
  auditQuery,
  auditView,
  DESCRIPTIVE,
  type Hasher,
  hashLiterals,
  isPersonal,
} from '../observe/audit-view.ts';
import { setOwn } from '../scim/json.ts';
import { isPlainObject } from '../scim/patch.ts';
import type { ResourcePath } from '../scim/resource-path.ts';
import { decodeSegment } from '../scim/resource-path.ts';

export interface Scrubber {
  /** The request path, with a user's id hashed. */
  path(target: ResourcePath): string;
  query(query: Record<string, string>, resource: string | undefined): Record<string, string>;
  body(body: unknown, resource: string | undefined): unknown;
  /** An id MAS gave a resource of `resource` (in its answer). */
  id(id: string, resource: string | undefined): string;
}

type Kind = 'plain' | 'personal' | 'reference';

/** Inside a reference to a user (a member, a manager), the keys that identify or name that user. */
const IDENTIFYING = new Set(['value', 'display', 'displayname']);
const KEYWORD = /^(true|false|null|-?\d[\d.eE+-]*)$/i;
// One comparison (`attr op "literal"` or a bare literal), or the opening or closing of a value filter.
const FILTER_TOKEN =
  /([A-Za-z_$][\w:.$-]*)\[|\]|(\.?[A-Za-z_$][\w:.$-]*)\s+(eq|ne|co|sw|ew|gt|ge|lt|le)\s+("(?:[^"\\]|\\.)*"|[^\s()[\]"]+)/gi;

/** Secrets out; with `hash`, personal data replaced by its hashes too. */
export function scrubber(hash: Hasher | undefined): Scrubber {
  if (!hash) {
    return {
      path: (target) => target.path,
      query: (query) => auditQuery(query, undefined),
      body: (body, resource) => auditView(body, { resource, hash: undefined }),
      id: (id) => id,
    };
  }
  const kinds = new Map<string, Kind>();
  const kindOf = (attribute: string, resource: string | undefined): Kind => {
    const key = `${resource}\0${attribute}`;
    let kind = kinds.get(key);
    if (kind === undefined) {
      kind = referenceAttribute(attribute, resource)
        ? 'reference'
        : isPersonal(attribute, resource)
          ? 'personal'
          : 'plain';
      kinds.set(key, kind);
    }
    return kind;
  };
  const filter = (text: string, resource: string | undefined) => hashFilter(text, hash, (a) => kindOf(a, resource));
  const walk = (value: unknown, resource: string | undefined, kind: Kind): unknown => {
    if (typeof value === 'string') return kind === 'plain' ? value : hash(value);
    if (Array.isArray(value)) return value.map((item) => walk(item, resource, kind));
    if (!isPlainObject(value)) return value;
    if (typeof value.op === 'string' && kind === 'plain') {
      // A PATCH operation: its path says what its value is.
      const copy = { ...value };
      if (typeof value.path === 'string') copy.path = filter(value.path, resource);
      const valueKind = typeof value.path === 'string' ? kindOf(attributeOf(value.path), resource) : 'plain';
      if ('value' in value) copy.value = walk(value.value, resource, valueKind);
      return copy;
    }
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const lower = key.toLowerCase();
      const shown =
        kind === 'plain'
          ? walk(item, resource, kindOf(attributeOf(key), resource))
          : kind === 'personal'
            ? DESCRIPTIVE.has(lower)
              ? item
              : walk(item, resource, kind)
            : IDENTIFYING.has(lower)
              ? walk(item, resource, kind)
              : item;
      setOwn(copy, key, shown);
    }
    return copy;
  };
  return {
    path: (target) => {
      if (target.resource !== 'Users' || target.id === undefined) return target.path;
      const segments = target.path.split('/');
      const at = segments.findLastIndex((segment) => (decodeSegment(segment) ?? segment) === target.id);
      if (at >= 0) segments[at] = encodeURIComponent(hash(target.id));
      return segments.join('/');
    },
    query: (query, resource) => {
      const copy = auditQuery(query, undefined);
      for (const key of Object.keys(copy)) {
        if (key.toLowerCase() === 'filter') copy[key] = filter(copy[key] as string, resource);
      }
      return copy;
    },
    body: (body, resource) => walk(auditView(body, { resource, hash: undefined }), resource, 'plain'),
    id: (id, resource) => (resource === 'Users' ? hash(id) : id),
  };
}

/** Members and managers hold user ids; a user's own id is one too. */
function referenceAttribute(attribute: string, resource: string | undefined): boolean {
  return attribute === 'members' || attribute === 'manager' || (attribute === 'id' && resource === 'Users');
}

/**
 * Hashes the literals of a filter (or a filtered PATCH path) that are compared with a personal or
 * user-id attribute: `userName eq "x"`, `emails[type eq "work"].value eq "x"` (not "work"),
 * `members[value eq "x"]`, `id eq 54D3…`. A group's displayName or an externalId stays as sent.
 */
export function hashFilter(filter: string, hash: Hasher, kindOf: (attribute: string) => Kind): string {
  const open: string[] = [];
  let closed = '';
  return filter.replace(
    FILTER_TOKEN,
    (match, opening?: string, attribute?: string, operator?: string, literal?: string) => {
      if (opening !== undefined) {
        open.push(opening);
        return match;
      }
      if (attribute === undefined || operator === undefined || literal === undefined) {
        closed = open.pop() ?? '';
        return match;
      }
      const owner = attribute.startsWith('.') ? closed : (open.at(-1) ?? attribute);
      const sub = attribute.startsWith('.')
        ? attribute.slice(1)
        : open.length > 0
          ? attribute
          : subAttribute(attribute);
      const hashed =
        !DESCRIPTIVE.has((sub ?? '').toLowerCase()) && kindOf(attributeOf(owner)) !== 'plain' && !KEYWORD.test(literal);
      if (!hashed) return match;
      const shown = literal.startsWith('"') ? hashLiterals(literal, hash) : hash(literal);
      return `${match.slice(0, match.length - literal.length)}${shown}`;
    },
  );
}

/** `emails.type` → `type`; `urn:…:User:manager` → undefined. */
function subAttribute(attribute: string): string | undefined {
  const unqualified = attribute.startsWith('urn:') ? attribute.slice(attribute.lastIndexOf(':') + 1) : attribute;
  const dot = unqualified.lastIndexOf('.');
  return dot < 0 ? undefined : unqualified.slice(dot + 1);
}
