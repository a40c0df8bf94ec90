import type { RequestHandler } from 'express';
import type { EngineOptions } from '../rules/action.ts';
import { applyRules } from '../rules/apply.ts';
import type { Rule } from '../rules/rule.ts';
import { ScimError } from '../scim/error.ts';

/**
 * Step 3 and 4 of a request's journey: the rules rewrite it into its compliant form and decide
 * whether it goes on, is answered here, or is refused. Nothing partial is ever forwarded: the
 * rewrite is complete before the forwarder sees it.
 */
export function normalize({
  rules,
  options,
}: {
  rules: () => readonly Rule[];
  options: EngineOptions;
}): RequestHandler {
  return function normalize(req, res, next) {
    const exchange = res.locals.exchange;
    const target = exchange.target;
    if (!target) return next(new Error('normalize runs after scimTarget'));
    // One rule set for the whole exchange: a reload between request and response must not mix two.
    const current = rules();
    res.locals.rules = current;
    const rewrite = applyRules(
      current,
      { method: req.method, resource: target.resource, id: target.id, ...exchange.original },
      options,
    );
    exchange.applied = rewrite.applied;
    exchange.decision = rewrite.outcome;
    exchange.rewritten = { query: rewrite.query, body: rewrite.body };
    const { outcome } = rewrite;
    if (outcome.kind === 'refuse') {
      return next(new ScimError(outcome.status, outcome.reason, { code: 'refused', scimType: outcome.scimType }));
    }
    if (outcome.kind === 'answer') {
      res.status(outcome.status).end();
      return;
    }
    next();
  };
}
