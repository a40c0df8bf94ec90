// Step 4: the guard judges the request exactly as it will reach MAS (after the rules), and on its
// own: it reads names in any case, so a spelling no rule recognised is judged by what it does.
import type { RequestHandler } from 'express';
import type { EngineOptions } from '../rules/action.ts';
import { ScimError } from '../scim/error.ts';
import {
  envelopeSpelling,
  type Finding,
  groupPutRemoval,
  memberRemoval,
  patchOperations,
  refusalOf,
} from '../scim/member-guard.ts';
import type { PlainObject } from '../scim/patch.ts';

export function guard({ options }: { options: EngineOptions }): RequestHandler {
  return function guard(req, res, next) {
    const exchange = res.locals.exchange;
    const resource = exchange.target?.resource;
    const isPatch = req.method === 'PATCH';
    if (!isPatch && !(req.method === 'PUT' && resource === 'Groups')) return next();
    const body = (exchange.rewritten ?? exchange.original).body;
    const allowed = (finding: Finding | undefined) =>
      !finding || (finding.kind === 'removes-unnamed' && options.allowRemoveAllMembers);
    const finding = isPatch ? judgePatch(body, resource === 'Groups', allowed) : groupPutRemoval(body);
    if (allowed(finding)) return next();
    next(refusal(finding as Finding, `${resource} "${String(exchange.target?.id ?? '').slice(0, 80)}"`));
  };
}

/** The guard's verdict on a PATCH body: the first finding `allowed` does not let through. */
export function judgePatch(
  body: unknown,
  isGroup: boolean,
  allowed: (f: Finding | undefined) => boolean,
): Finding | undefined {
  const operations = patchOperations(body);
  if (!Array.isArray(operations)) return operations;
  if (isGroup) {
    for (const operation of operations) {
      const finding = memberRemoval(operation);
      if (!allowed(finding)) return finding;
    }
  }
  return envelopeSpelling(body as PlainObject, operations);
}

function refusal(finding: Finding, target: string): ScimError {
  const { code, scimType, reason } = refusalOf(finding, target);
  return new ScimError(400, reason, { code, scimType });
}
