// Where a request points inside the SCIM API. Only `/scim/v2/**` may ever reach MAS, and only after
// dot segments (plain or percent-encoded) are resolved, so the proxy never becomes a way to reach
// `/v1/authenticate` or any other MAS API.

export interface ResourcePath {
  /** The path as it goes to MAS: the segments as received, minus nothing (no dot segments remain). */
  path: string;
  /** MAS profile id: `/scim/v2/<profile>/Users`. Undefined for `/scim/v2/Profiles` and friends. */
  profile: string | undefined;
  /** `Users`, `Groups`, `Schemas`, `Profiles`, ...: a bounded label, never an id. */
  resource: string;
  /** The resource id, decoded, when the path names one. */
  id: string | undefined;
}

const PROFILE_LESS = new Set(['Profiles', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Bulk', 'Me']);

/**
 * Parses the raw path of a request (no query). Returns undefined for anything that is not a plain
 * path under `/scim/v2/`: dot segments, encoded slashes or backslashes, NUL, `;` path parameters,
 * any of these encoded twice, absolute URLs.
 */
export function parseResourcePath(rawPath: string): ResourcePath | undefined {
  if (!rawPath.startsWith('/') || rawPath.includes('\\')) return undefined;
  const raw = rawPath.split('/').slice(1);
  const decoded: string[] = [];
  for (const segment of raw) {
    const value = decodeSegment(segment);
    // Decoded twice too: a server behind MAS's front door may decode again, and `%252e%252e` must
    // not become `..` there.
    if (value === undefined || !plainSegment(value) || !plainSegment(decodeSegment(value) ?? '')) return undefined;
    decoded.push(value);
  }
  if (decoded[0] !== 'scim' || decoded[1] !== 'v2') return undefined;
  const rest = decoded.slice(2);
  // A trailing slash (`/Users/`) names the same resource; an empty segment mid-path names nothing.
  if (rest.length > 1 && rest.at(-1) === '') rest.pop();
  if (rest.length === 0 || rest.some((s) => s === '')) return undefined;
  const first = rest[0] ?? '';
  if (PROFILE_LESS.has(first)) {
    return { path: rawPath, profile: undefined, resource: first, id: rest[1] };
  }
  return { path: rawPath, profile: first, resource: rest[1] ?? 'profile', id: rest[2] };
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
 * Not a dot segment, no separator, no NUL, and no `;`: Java servlet containers (MAS runs on one) drop
 * `;parameters` from a segment, so `..;` would be `..` to MAS. SCIM ids never need a `;`.
 */
function plainSegment(value: string): boolean {
  return value !== '.' && value !== '..' && !/[/\\;\0]/.test(value);
}
