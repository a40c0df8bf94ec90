// What of a request the audit trail may show. Secrets never (a SCIM user may carry a password, a
// query a token); personal data only as stable hashes when the site asks for it, so an auditor can
// still follow one person through the trail without reading who they are.
import { createHash, createHmac } from 'node:crypto';
import { copyKeysBefore, mapChanged, setOwn } from '../scim/json.ts';

export type Hasher = (value: string) => string;

/** Keys whose values are credentials: never shown in the audit trail or a log line. */
export const SECRET_KEY = /password|token|secret|api[-_]?key|authorization|cookie/i;
/** Attributes that name or reach a person; `displayname` counts only on Users (a group's is not personal). */
const PERSONAL = new Set([
  'username',
  'name',
  'nickname',
  'emails',
  'phonenumbers',
  'addresses',
  'display',
  'displayname',
]);
/** Inside a personal attribute these stay readable: they say what kind of value it is, not whose. */
export const DESCRIPTIVE: ReadonlySet<string> = new Set(['type', 'primary']);
const REDACTED = '[redacted]';

/**
 * HMAC-SHA256 keyed with the salt when there is one (a dictionary of known user names cannot be
 * replayed against it), plain SHA-256 otherwise; 16 hex digits (64 bits) are plenty to tell people apart.
 */
export function hasher(salt: string | undefined): Hasher {
  const prefix = salt ? 'hmac-sha256:' : 'sha256:';
  const digest = (value: string) =>
    (salt ? createHmac('sha256', salt) : createHash('sha256')).update(value).digest('hex');
  return (value) => prefix + digest(value).slice(0, 16);
}

export interface ViewOptions {
  resource: string | undefined;
  hash: Hasher | undefined;
}

/** `urn:...:User:manager` → `manager`, `name.givenName` → `name`, `emails[type eq "work"].value` → `emails`. */
export function attributeOf(path: string): string {
  const base = path.split('[')[0] ?? '';
  const unqualified = base.startsWith('urn:') ? base.slice(base.lastIndexOf(':') + 1) : base;
  return (unqualified.split('.')[0] ?? '').toLowerCase();
}

/** Whether an attribute (or a path into one) names or reaches a person: the one list of personal data. */
export function isPersonal(path: string, resource: string | undefined): boolean {
  const attribute = attributeOf(path);
  if (attribute === 'displayname') return resource === 'Users';
  return PERSONAL.has(attribute);
}

/** Replaces each quoted string in a SCIM filter (or a filtered path) by its hash. */
export function hashLiterals(filter: string, hash: Hasher): string {
  return filter.replace(
    /"((?:[^"\\]|\\.)*)"/g,
    (_match, literal: string) => `"${hash(literal.replace(/\\(.)/g, '$1'))}"`,
  );
}

/**
 * A request body fit for the audit trail. What needs no redaction or hashing is the body's own
 * object, so the view of a rewritten body shares every part the rules left alone with the view of
 * the original, and the JSON Patch between them skips those parts at once. Never write to a view.
 */
export function auditView(body: unknown, options: ViewOptions): unknown {
  return walk(body, options, false);
}

function walk(value: unknown, options: ViewOptions, personal: boolean): unknown {
  if (typeof value === 'string') return personal && options.hash ? options.hash(value) : value;
  if (Array.isArray(value)) return mapChanged(value, (item) => walk(item, options, personal));
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  if (typeof object.op === 'string' && typeof object.path === 'string')
    return patchOperation(object, object.path, options);
  let copy: Record<string, unknown> | undefined;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const item = object[key];
    const shown = SECRET_KEY.test(key)
      ? REDACTED
      : personal && DESCRIPTIVE.has(key)
        ? item
        : walk(item, options, personal || (options.hash !== undefined && isPersonal(key, options.resource)));
    if (shown !== item && copy === undefined) copy = copyKeysBefore(object, key);
    if (copy !== undefined) setOwn(copy, key, shown);
  }
  return copy ?? object;
}

/** A PATCH operation: its path says what its value is, so the path decides what to hide. */
function patchOperation(
  operation: Record<string, unknown>,
  path: string,
  options: ViewOptions,
): Record<string, unknown> {
  const personal = options.hash !== undefined && isPersonal(path, options.resource);
  const shownPath = personal && options.hash ? hashLiterals(path, options.hash) : path;
  const hasValue = 'value' in operation;
  const shownValue = !hasValue
    ? undefined
    : SECRET_KEY.test(path)
      ? REDACTED
      : walk(operation.value, options, personal);
  if (shownPath === path && shownValue === operation.value) return operation;
  const copy: Record<string, unknown> = { ...operation, path: shownPath };
  if (hasValue) copy.value = shownValue;
  return copy;
}

/** A copy of the query fit for the audit trail: filter values hashed when asked, secrets never. */
export function auditQuery(query: Record<string, string>, hash: Hasher | undefined): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const shown = SECRET_KEY.test(key)
      ? REDACTED
      : hash && key.toLowerCase() === 'filter'
        ? hashLiterals(value, hash)
        : value;
    setOwn(copy, key, shown);
  }
  return copy;
}
