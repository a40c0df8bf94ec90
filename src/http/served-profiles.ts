// MAS_PROFILES: the MAS profile ids Entra may name in its Tenant URL. MAS accepts users under a
// profile that does not exist (they then get no workspace, application or entitlement) and answers an
// unknown profile's list with an empty one, so Entra's Test Connection passes on a typo. With the
// setting, any other profile id, or none, is answered 404 here and never reaches MAS.
import type { RequestHandler } from 'express';
import { ScimError } from '../scim/error.ts';

/** Resource names: a Tenant URL without a profile id puts one of these where the id belongs. */
const RESOURCES = new Set(['Users', 'Groups']);

export function servedProfiles(ids: readonly string[]): RequestHandler {
  const served = new Set(ids);
  const list = ids.join(', ');
  return function servedProfiles(req, res, next) {
    const exchange = res.locals.exchange;
    const target = exchange.target;
    if (served.size === 0 || !target || (target.profile !== undefined && served.has(target.profile))) return next();
    const example = `https://${req.get('host') ?? '<proxy host>'}/scim/v2/${ids[0]}`;
    const fix = `Set Entra's Tenant URL to .../scim/v2/<profileId> with one of: ${list} (e.g. ${example}).`;
    if (target.profile === undefined || RESOURCES.has(target.profile)) {
      // What was parsed as a profile id is the resource: the audit says so, not `"profile":"Users"`.
      if (target.profile !== undefined)
        exchange.target = {
          ...target,
          profile: undefined,
          resource: target.profile,
          id: target.resource === 'profile' ? undefined : target.resource,
        };
      return next(
        new ScimError(404, `The request names no MAS profile: ${req.method} ${target.path.slice(0, 200)}. ${fix}`, {
          code: 'profile_missing',
        }),
      );
    }
    next(
      new ScimError(
        404,
        `scim-proxy serves MAS profile${ids.length === 1 ? '' : 's'} ${list} (MAS_PROFILES), not "${target.profile.slice(0, 100)}". ${fix}`,
        { code: 'profile_not_served' },
      ),
    );
  };
}
