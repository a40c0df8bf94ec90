/**
 * The profile-scoped SCIM API, `/scim/v2/<profileId>/…`: scimmy-routers answers, after our
 * middleware has picked the profile's store and applied MAS's PATCH quirks.
 */
import express, { type RequestHandler, Router } from 'express';
import SCIMMYRouters from 'scimmy-routers';
import { sendScimError } from './error-body.ts';
import type { ResolvedOptions } from './options.ts';
import { patchQuirks } from './patch-quirks.ts';
import { declareResources, type ScimContext } from './resources.ts';
import type { Store } from './store.ts';

/** Mount at `/scim/v2/:profileId`, behind authentication. */
export function scimRouter(store: Store, options: ResolvedOptions): Router {
  declareResources();
  const router = Router({ mergeParams: true });
  router.use(
    express.json({ type: ['application/json', 'application/scim+json'] }),
    stableQuery,
    attributeParameters(options),
    createdLocation,
    profileScope(store, options),
    patchQuirks(options),
    new SCIMMYRouters({
      type: 'bearer',
      // Authentication already happened in our own middleware, which also guards /Profiles.
      handler: (req) => String(req.res?.locals.subject ?? ''),
      context: (req) => req.res?.locals.scim,
    }),
  );
  return router;
}

/** Picks the profile's store for scimmy's handlers; MAS 9.1 accepted writes to unknown profiles. */
function profileScope(store: Store, options: ResolvedOptions): RequestHandler {
  return function profileScope(req, res, next) {
    const profileId = String(req.params.profileId);
    const profile = store.profiles.get(profileId);
    if (!profile && !options.acceptUnknownProfile) {
      return sendScimError(res, 404, `Profile ${profileId} not found`);
    }
    const context: ScimContext = { tenant: store.tenant(profileId), profile, options };
    res.locals.scim = context;
    next();
  };
}

/**
 * Express 5 re-parses `req.query` on every read, so scimmy-routers' casting of `startIndex` and
 * `count` to numbers is lost and paging is ignored. One parsed, writable copy fixes that.
 */
const stableQuery: RequestHandler = function stableQuery(req, _res, next) {
  Object.defineProperty(req, 'query', { value: { ...req.query }, writable: true, configurable: true });
  next();
};

/** Without `honourAttributeParameters`, the answer ignores `attributes` and `excludedAttributes`. */
function attributeParameters(options: ResolvedOptions): RequestHandler {
  return function attributeParameters(req, _res, next) {
    if (!options.honourAttributeParameters) {
      const query = req.query as Record<string, unknown>;
      for (const key of Object.keys(query)) if (/^(excluded)?attributes$/i.test(key)) delete query[key];
    }
    next();
  };
}

/**
 * RFC 7644 §3.3: a 201 carries the new resource's URI in `Location` (Microsoft's SCIM guidance
 * checks it); scimmy-routers puts it only in `meta.location`.
 */
const createdLocation: RequestHandler = function createdLocation(_req, res, next) {
  const send = res.send.bind(res);
  res.send = (body: unknown) => {
    const location = (body as { meta?: { location?: unknown } } | null)?.meta?.location;
    if (res.statusCode === 201 && typeof location === 'string' && !res.hasHeader('location'))
      res.setHeader('location', location);
    return send(body);
  };
  next();
};
