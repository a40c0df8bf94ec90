import { z } from 'zod';
import { defineAction, keep, replace } from '../action.ts';

/** A reference attribute given as a bare id ("271") becomes the complex form {"value": "271"}. */
export const wrapStringAsValue = defineAction({
  name: 'wrap-string-as-value',
  description: 'Replaces a bare string (or number) with {"value": "<string>"}; anything else is kept.',
  params: z.object({}).strict(),
  run(node) {
    if (typeof node !== 'string' && typeof node !== 'number') return keep;
    return replace({ value: String(node) });
  },
});
