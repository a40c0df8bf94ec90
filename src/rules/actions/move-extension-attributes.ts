import { z } from 'zod';
import { isPlainObject } from '../../scim/patch.ts';
import { defineAction, keep, replace, setOf } from '../action.ts';

/**
 * An old Entra sample puts enterprise attributes (`department`, `manager`) at the top of a User,
 * where no core attribute of that name exists. They belong inside the extension object.
 */
export const moveExtensionAttributes = defineAction({
  name: 'move-extension-attributes',
  description: 'Moves top-level `attributes` of a resource into the `schema` extension object and lists the schema.',
  params: z.object({ schema: z.string().startsWith('urn:'), attributes: z.array(z.string()).min(1) }).strict(),
  run(node, { schema, attributes }) {
    if (!isPlainObject(node)) return keep;
    const names = setOf(attributes);
    const moved = Object.entries(node).filter(
      ([key, value]) => names.has(key) && value !== null && value !== undefined,
    );
    if (moved.length === 0) return keep;
    const rest = Object.fromEntries(Object.entries(node).filter(([key]) => !names.has(key)));
    const extension = isPlainObject(node[schema]) ? node[schema] : {};
    const schemas = Array.isArray(node.schemas) ? node.schemas : [];
    return replace({
      ...rest,
      schemas: schemas.includes(schema) ? schemas : [...schemas, schema],
      [schema]: { ...Object.fromEntries(moved), ...extension },
    });
  },
});
