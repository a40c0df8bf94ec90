import { z } from 'zod';
import { foldSubAttributeComparisons, quoteBareValues, serialize, tokenize } from '../../scim/filter.ts';
import { canonicalTokens } from '../../scim/names.ts';
import { defineAction, keep, replace } from '../action.ts';

/**
 * Entra's GET filters: `emails[type eq "work"].value eq "x"` and unquoted ids (`id eq 54D3...`);
 * names in any case (`UserName EQ "x"`) are spelled as RFC 7643 does, operators in lower case.
 * A filter that does not tokenize is left for MAS to judge: the proxy does not guess.
 */
export const rewriteFilter = defineAction({
  name: 'rewrite-filter',
  description:
    'Rewrites a SCIM filter string: folds `attr[f].sub op v` into `attr[f and sub op v]`, quotes bare values, spells names canonically.',
  params: z
    .object({ fold: z.boolean().default(true), quote: z.boolean().default(true), names: z.boolean().default(true) })
    .strict(),
  run(node, { fold, quote, names }) {
    if (typeof node !== 'string') return keep;
    const tokens = tokenize(node);
    if (!tokens) return keep;
    let rewritten = tokens;
    if (fold) rewritten = foldSubAttributeComparisons(rewritten);
    if (quote) rewritten = quoteBareValues(rewritten);
    if (names) rewritten = canonicalTokens(rewritten);
    const unchanged = rewritten.length === tokens.length && rewritten.every((t, i) => t.text === tokens[i]?.text);
    return unchanged ? keep : replace(serialize(rewritten));
  },
});
