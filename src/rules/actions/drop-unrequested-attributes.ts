import { z } from 'zod';
import { isPlainObject } from '../../scim/patch.ts';
import { type ActionContext, defineAction, keep, perResource, setOf } from '../action.ts';

/** The value of a query parameter, its name matched case-insensitively. */
function parameter(query: Record<string, string> | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(query ?? {})) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** `members`, `urn:…:Group:members`, `Members.value` → `members`: the attribute a listed name reaches. */
const attributeOf = (listed: string): string => listed.trim().toLowerCase().split(':').pop()?.split('.')[0] ?? '';

/** The watched attributes this request asked to leave out (lower case). */
function unrequested(request: ActionContext['request'], watched: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  const excluded = parameter(request?.query, 'excludedAttributes');
  for (const name of excluded?.split(',') ?? []) if (watched.has(attributeOf(name))) out.add(attributeOf(name));
  const attributes = parameter(request?.query, 'attributes');
  if (attributes?.trim()) {
    const asked = new Set(attributes.split(',').map(attributeOf));
    for (const name of watched) if (!asked.has(name)) out.add(name);
  }
  return out;
}

/**
 * RFC 7644 §3.4.2.5: an answer must not hold the attributes `excludedAttributes` names, nor (with
 * `attributes`) those it does not. Entra asks for groups with `excludedAttributes=members`, and an
 * answer that still holds members fails its provisioning step (…MultipleEntriesInResponse). Whether
 * MAS honours the parameters is unknown, so the proxy makes sure for the `attributes` it watches,
 * in a resource and in each resource of a ListResponse.
 */
export const dropUnrequestedAttributes = defineAction({
  name: 'drop-unrequested-attributes',
  description:
    'In an answer (a resource or a ListResponse), removes the listed `attributes` the request excluded with excludedAttributes or left out of attributes (response rules).',
  params: z.object({ attributes: z.array(z.string()).min(1) }).strict(),
  run(node, { attributes }, context) {
    if (!isPlainObject(node)) return keep;
    const dropped = unrequested(context.request, setOf(attributes, { lowerCase: true }));
    if (dropped.size === 0) return keep;
    const strip = (resource: unknown): unknown => {
      if (!isPlainObject(resource)) return resource;
      const keys = Object.keys(resource);
      if (!keys.some((key) => dropped.has(key.toLowerCase()))) return resource;
      return Object.fromEntries(
        keys.filter((key) => !dropped.has(key.toLowerCase())).map((key) => [key, resource[key]]),
      );
    };
    return perResource(node, strip);
  },
});
