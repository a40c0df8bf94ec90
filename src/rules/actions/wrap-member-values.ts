import { z } from 'zod';
import { isPatchOperation, pathIs } from '../../scim/patch.ts';
import { defineAction, keep, replace } from '../action.ts';

const wrap = (item: unknown): unknown =>
  typeof item === 'string' || typeof item === 'number' ? { value: String(item) } : item;

/** Members given as bare ids ("id" or ["id"]) become [{"value": "id"}], the form RFC 7643 §4.2 defines. */
export const wrapMemberValues = defineAction({
  name: 'wrap-member-values',
  description: 'In an add/remove of `attribute`, turns bare ids and single objects into an array of {"value": id}.',
  params: z.object({ attribute: z.string().default('members') }).strict(),
  run(node, { attribute }) {
    if (!isPatchOperation(node) || !pathIs(node.path, attribute) || node.value == null) return keep;
    const items = Array.isArray(node.value) ? node.value : [node.value];
    const wrapped = items.map(wrap);
    if (Array.isArray(node.value) && wrapped.every((item, i) => item === items[i])) return keep;
    return replace({ ...node, value: wrapped });
  },
});
