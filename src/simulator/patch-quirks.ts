/**
 * How MAS reads a PATCH, where it differs from scimmy. Runs on the parsed body before scimmy
 * sees it, and each quirk can be switched off.
 */
import type { RequestHandler } from 'express';
import { sendScimError } from './error-body.ts';
import type { ResolvedOptions } from './options.ts';

interface Operation {
  op?: unknown;
  path?: unknown;
  value?: unknown;
}

export function patchQuirks(options: ResolvedOptions): RequestHandler {
  return function patchQuirks(req, res, next) {
    if (req.method !== 'PATCH') return next();
    const operations = operationsOf(req.body);
    if (!operations) return next();
    if (!options.caseInsensitiveOps) {
      const index = operations.findIndex((operation) => !['add', 'remove', 'replace'].includes(String(operation.op)));
      if (index >= 0) {
        const op = String(operations[index]?.op);
        return sendScimError(res, 400, `Invalid operation '${op}' for operation ${index}`, 'invalidSyntax');
      }
    }
    if (options.wipeOnUnfilteredMemberRemove && /^\/Groups\/[^/]+\/?$/.test(req.path)) {
      req.body = { ...req.body, Operations: operations.map(wipeMembers) };
    }
    next();
  };
}

/**
 * RFC 7644 §3.5.2.2: `remove` on `members` without a filter removes every member; `value` means
 * nothing there. MAS does exactly that with Entra's legacy form
 * `{"op":"Remove","path":"members","value":[{"value":"<id>"}]}`, which scimmy would instead
 * read as "remove these members". Dropping `value` makes scimmy behave as MAS does.
 */
function wipeMembers(operation: Operation): Operation {
  const isRemove = String(operation.op).toLowerCase() === 'remove';
  const isMembers = typeof operation.path === 'string' && operation.path.trim().toLowerCase() === 'members';
  if (!isRemove || !isMembers) return operation;
  const { value: _ignored, ...rest } = operation;
  return rest;
}

function operationsOf(body: unknown): Operation[] | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const operations = (body as { Operations?: unknown }).Operations;
  return Array.isArray(operations) ? (operations as Operation[]) : undefined;
}
