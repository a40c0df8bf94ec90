// Step 4: the guard judges the request exactly as it will reach MAS (after the rules), and on its
// own: it reads names in any case, so a spelling no rule recognised is judged by what it does.
import type { RequestHandler } from 'express';
import type { EngineOptions } from '../rules/action.ts';
import { ScimError } from '../scim/error.ts';
import { type Finding, groupPutRemoval, memberRemoval, patchOperations, refusalOf } from '../scim/member-guard.ts';

export function guard({ options }: { options: EngineOptions }): RequestHandler {
  return function guard(req, res, next) {
    const exchange = res.locals.exchange;
    const resource = exchange.target?.resource;
    const isPatch = req.method === 'PATCH';
    if (!isPatch && !(req.method === 'PUT' && resource === 'Groups')) return next();
    const body = (exchange.rewritten ?? exchange.original).body;
    const finding = isPatch ? judgePatch(body, resource === 'Groups') : groupPutRemoval(body);
    if (!finding || (finding.kind === 'removes-unnamed' && options.allowRemoveAllMembers)) return next();
    next(refusal(finding, `${resource} "${String(exchange.target?.id ?? '').slice(0, 80)}"`));
  };
}

function judgePatch(body: unknown, isGroup: boolean): Finding | undefined {
  const operations = patchOperations(body);
  if (!Array.isArray(operations)) return operations;
  if (!isGroup) return undefined;
  for (const operation of operations) {
    const finding = memberRemoval(operation);
    if (finding) return finding;
  }
  return undefined;
}

function refusal(finding: Finding, target: string): ScimError {
  const { code, scimType, reason } = refusalOf(finding, target);
  return new ScimError(400, reason, { code, scimType });
}
