// SCIM attribute names are case-insensitive (RFC 7643 §2.1) and Microsoft asks servers not to
// require case-sensitive structural elements; MAS and the rules compare names as written. Every name
// the rules read is therefore spelled as RFC 7643's schemas spell it before any rule reads it.
import { serialize, type Token, tokenize } from './filter.ts';
import { copyKeysBefore, mapChanged, setOwn } from './json.ts';
import { ENTERPRISE_USER, isPlainObject } from './patch.ts';

const SCHEMAS = [
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:core:2.0:Group',
  ENTERPRISE_USER,
];

// Every attribute and sub-attribute name of RFC 7643's User, Group and EnterpriseUser schemas and the
// common attributes (§3.1, §4.1-4.3, §8.7.1). No name is spelled two ways across them.
const NAMES = [
  // common
  'id',
  'externalId',
  'meta',
  'resourceType',
  'created',
  'lastModified',
  'location',
  'version',
  'schemas',
  // User
  'userName',
  'name',
  'formatted',
  'familyName',
  'givenName',
  'middleName',
  'honorificPrefix',
  'honorificSuffix',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'active',
  'password',
  'emails',
  'phoneNumbers',
  'ims',
  'photos',
  'addresses',
  'streetAddress',
  'locality',
  'region',
  'postalCode',
  'country',
  'groups',
  'entitlements',
  'roles',
  'x509Certificates',
  // multi-valued and reference sub-attributes
  'value',
  'display',
  'type',
  'primary',
  '$ref',
  // Group
  'members',
  // EnterpriseUser
  'employeeNumber',
  'costCenter',
  'organization',
  'division',
  'department',
  'manager',
];

const canonical = new Map(NAMES.map((name) => [name.toLowerCase(), name]));
/** Names already spelled as RFC 7643 does, as Entra mostly sends them: found without lower-casing. */
const spelledCanonically = new Set(NAMES);
const FILTER_WORDS = new Set(['and', 'or', 'not', 'eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le', 'pr']);
const COMPARE = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le']);

/** An attribute or sub-attribute name as RFC 7643 spells it; a name it does not define stays as written. */
export function canonicalName(name: string): string {
  return canonical.get(name.toLowerCase()) ?? name;
}

const MESSAGE_SCHEMAS = [...SCHEMAS, 'urn:ietf:params:scim:api:messages:2.0:PatchOp'];

/** A schema URN of RFC 7643/7644 in its spelling, matched case-insensitively; others stay as written. */
export function canonicalSchema(urn: string): string {
  const lower = urn.toLowerCase();
  return MESSAGE_SCHEMAS.find((schema) => schema.toLowerCase() === lower) ?? urn;
}

/** `schemas` with each known URN spelled canonically; the same array when nothing changed. */
export function canonicalSchemas(schemas: unknown): unknown {
  if (!Array.isArray(schemas)) return schemas;
  const out = schemas.map((urn) => (typeof urn === 'string' ? canonicalSchema(urn) : urn));
  return out.every((urn, i) => urn === schemas[i]) ? schemas : out;
}

/**
 * The object with the keys in `names` spelled as there, matched case-insensitively; the same object
 * when nothing changed or when two keys would collide.
 */
export function renameKeys(
  object: Record<string, unknown>,
  names: ReadonlyMap<string, string>,
): Record<string, unknown> {
  return rebuild(object, (key) => names.get(key.toLowerCase()) ?? key, keepItem);
}

const keepItem = (_key: string, item: unknown): unknown => item;

/**
 * The object with each key as `rename` gives it and each value as `map` does; the same object when
 * nothing changed, or when two keys would collide once renamed (`members` beside `Members`): which
 * was meant is unclear, and the body check refuses such a request. Run on every member of a large
 * member list, so it allocates nothing for an object it leaves as it is.
 */
function rebuild(
  object: Record<string, unknown>,
  rename: (key: string) => string,
  map: (key: string, item: unknown) => unknown,
): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const item = object[key];
    const name = rename(key);
    const next = map(key, item);
    if (!out) {
      if (name === key && next === item) continue;
      out = copyKeysBefore(object, key);
    }
    if (Object.hasOwn(out, name)) return object;
    setOwn(out, name, next);
  }
  return out ?? object;
}

/**
 * `Name.GivenName` → `name.givenName`; `URN:…:enterprise:2.0:user:Manager.Value` → the URN as RFC 7643
 * spells it, then `manager.value`. A leading dot (a sub-attribute after a filter's bracket) is kept.
 */
export function canonicalAttributePath(path: string): string {
  if (spelledCanonically.has(path)) return path;
  const known = canonical.get(path.toLowerCase());
  if (known !== undefined) return known;
  if (path.startsWith('.')) return `.${canonicalAttributePath(path.slice(1))}`;
  const lower = path.toLowerCase();
  if (lower.startsWith('urn:')) {
    const schema = SCHEMAS.find((s) => lower.startsWith(`${s.toLowerCase()}:`) || lower === s.toLowerCase());
    if (!schema) return path;
    const rest = path.slice(schema.length + 1);
    return rest === '' && path.length === schema.length ? schema : `${schema}:${canonicalDotted(rest)}`;
  }
  return canonicalDotted(path);
}

const canonicalDotted = (path: string): string =>
  path.includes('.') ? path.split('.').map(canonicalName).join('.') : canonicalName(path);

/**
 * The names in a filter or PATCH path in their canonical spelling, and its operators in lower case:
 * `Members[Value EQ "u1"]` → `members[value eq "u1"]`. Comparison values are never touched. A path or
 * filter that does not tokenize (a string left open) is returned as written, for MAS to judge.
 */
export function canonicalFilterNames(text: string): string {
  const tokens = tokenize(text);
  if (!tokens) return text;
  const out = canonicalTokens(tokens);
  return out === tokens ? text : serialize(out);
}

/** The tokens with canonical names and lower-case operators; the same array when nothing changed. */
export function canonicalTokens(tokens: Token[]): Token[] {
  let out: Token[] | undefined;
  tokens.forEach((token, i) => {
    if (token.kind !== 'word') return;
    const previous = tokens[i - 1];
    // A bare comparison value (`id eq 54D3`) is data, not a name.
    if (previous?.kind === 'word' && COMPARE.has(previous.text.toLowerCase())) return;
    const lower = token.text.toLowerCase();
    const text = FILTER_WORDS.has(lower) ? lower : canonicalAttributePath(token.text);
    if (text === token.text) return;
    out ??= [...tokens];
    out[i] = { ...token, text };
  });
  return out ?? tokens;
}

const canonicalValue = (key: string, item: unknown): unknown =>
  typeof item !== 'object' || item === null
    ? item
    : key.toLowerCase() === 'schemas'
      ? canonicalSchemas(item)
      : canonicalKeys(item);

/**
 * A JSON value (a resource, or a PATCH value) with every object key that names an attribute, a
 * sub-attribute, a schema or an attribute path spelled canonically, at any depth. The same value when
 * nothing changed.
 */
export function canonicalKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return mapChanged(value, canonicalKeys);
  }
  if (!isPlainObject(value)) return value;
  return rebuild(value, canonicalAttributePath, canonicalValue);
}
