// Where a request points inside the SCIM API. Only `/scim/v2/**` may ever reach MAS, and only after
// dot segments (plain or percent-encoded, at any depth of encoding) are resolved, so the proxy never
// becomes a way to reach `/v1/authenticate` or any other MAS API.

export interface ResourcePath {
  /** The path as it goes to MAS: the profile and id as received, the resource in its canonical spelling. */
  path: string;
  /** MAS profile id: `/scim/v2/<profile>/Users`. Undefined for `/scim/v2/Profiles` and friends. */
  profile: string | undefined;
  /** `Users`, `Groups`, `Schemas`, `Profiles`, ...: canonical when SCIM or MAS knows the name. */
  resource: string;
  /** The resource id, decoded, when the path names one. */
  id: string | undefined;
}

/** Resource names SCIM and MAS use, by their lower case: RFC 7643 §2.1 lets a server read names in any case. */
const CANONICAL = new Map(
  ['Users', 'Groups', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Profiles', 'Bulk', 'Me'].map((name) => [
    name.toLowerCase(),
    name,
  ]),
);
// Names MAS serves directly under /scim/v2/, without a profile.
const PROFILE_LESS = new Set(['Profiles', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Bulk', 'Me']);

/** `users` → `Users`; a name SCIM does not know stays as given. */
export const canonicalResource = (name: string): string => CANONICAL.get(name.toLowerCase()) ?? name;

/**
 * Parses the raw path of a request (no query). Returns undefined for anything that is not a plain
 * path under `/scim/v2/` naming at most a profile, a resource and an id: dot segments, encoded
 * slashes or backslashes, NUL, `;` path parameters, any of these under any number of encodings,
 * deeper paths, absolute URLs.
 */
export function parseResourcePath(rawPath: string): ResourcePath | undefined {
  if (!rawPath.startsWith('/') || rawPath.includes('\\')) return undefined;
  const raw = rawPath.split('/').slice(1);
  // A trailing slash (`/Users/`) names the same resource; an empty segment mid-path names nothing.
  if (raw.length > 3 && raw.at(-1) === '') raw.pop();
  if (raw.length < 3 || raw.length > 5) return undefined;
  const decoded: string[] = [];
  for (const segment of raw) {
    const value = decodeUntilStable(segment);
    if (value === undefined || value === '') return undefined;
    decoded.push(value);
  }
  if (decoded[0] !== 'scim' || decoded[1] !== 'v2') return undefined;
  const first = canonicalResource(decoded[2] ?? '');
  const profileLess = PROFILE_LESS.has(first);
  if (profileLess && raw.length > 4) return undefined;
  const at = profileLess ? 2 : 3;
  const name = decoded[at];
  const resource = name === undefined ? 'profile' : canonicalResource(name);
  const kept = raw.slice(2);
  // Forwarded canonical, so MAS reads the name the rules were chosen by.
  if (name !== undefined && CANONICAL.has(name.toLowerCase())) kept[at - 2] = resource;
  return {
    path: `/scim/v2/${kept.join('/')}`,
    profile: profileLess ? undefined : decoded[2],
    resource,
    id: decoded[at + 1],
  };
}

/** A path segment percent-decoded, or undefined when its escapes are malformed. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The segment decoded once (what MAS reads), after checking it stays plain however often it is
 * decoded again: a server behind MAS's front door may decode once more, and `%25252e%25252e` must not
 * become `..` there. Each decoding shortens the text, so the loop ends.
 */
function decodeUntilStable(segment: string): string | undefined {
  const once = decodeSegment(segment);
  if (once === undefined || !plainSegment(once)) return undefined;
  let current = once;
  while (current.includes('%')) {
    const next = decodeSegment(current);
    if (next === undefined || next === current) break;
    if (!plainSegment(next)) return undefined;
    current = next;
  }
  return once;
}

/**
 * Not a dot segment, no separator, no NUL, and no `;`: Java servlet containers (MAS runs on one) drop
 * `;parameters` from a segment, so `..;` would be `..` to MAS. SCIM ids never need a `;`.
 */
function plainSegment(value: string): boolean {
  return value !== '.' && value !== '..' && !/[/\\;\0]/.test(value);
}
