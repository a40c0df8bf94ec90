// What crosses the proxy to MAS, as one table: the README reproduces it (and a test checks that it
// does). Whatever is not here is answered by the proxy and never reaches MAS, with whichever
// credentials the proxy holds: the profile API, Bulk, /Me, POST .search, and anything MAS may add.
import { ScimError } from './error.ts';
import type { ResourcePath } from './resource-path.ts';

export interface Route {
  /** Canonical name; requests match it in any case and reach MAS spelled this way. */
  resource: string;
  /** Where it lives: under a profile (`/scim/v2/<profile>/Users`), or either there or at the root. */
  profile: 'required' | 'optional';
  /** Methods on the collection (`/Users`) and on one resource (`/Users/<id>`). */
  collection: readonly string[];
  item: readonly string[];
  /** What happens to a body: read, rewritten by the rules and judged by the guard; or none is sent. */
  body: string;
}

const READ = ['GET', 'HEAD'];

export const ROUTES: readonly Route[] = Object.freeze([
  {
    resource: 'Users',
    profile: 'required',
    collection: [...READ, 'POST'],
    item: [...READ, 'PUT', 'PATCH', 'DELETE'],
    body: 'POST, PUT, PATCH: read and rewritten by the rules',
  },
  {
    resource: 'Groups',
    profile: 'required',
    collection: [...READ, 'POST'],
    item: [...READ, 'PUT', 'PATCH', 'DELETE'],
    body: 'POST, PATCH: read, rewritten by the rules, judged by the guard; PUT only with the explicit member list it replaces',
  },
  { resource: 'ServiceProviderConfig', profile: 'optional', collection: READ, item: [], body: 'none (read-only)' },
  { resource: 'Schemas', profile: 'optional', collection: READ, item: READ, body: 'none (read-only)' },
  { resource: 'ResourceTypes', profile: 'optional', collection: READ, item: READ, body: 'none (read-only)' },
]);

/** Why a resource MAS has is not served: each reason is what an administrator asks first. */
export const NOT_SERVED: Readonly<Record<string, string>> = Object.freeze({
  Profiles:
    "the profile API changes what every future user is entitled to, with the proxy's MAS credentials; Entra never calls it",
  Bulk: 'the operations inside a BulkRequest would reach MAS without the rules, the guard and the audit trail; send each operation on its own, as Entra does',
  Me: 'the proxy authenticates as itself, so /Me would be its own MAS user; Entra never calls it',
  '.search': 'search by POST would reach MAS without the filter rules; use GET with ?filter=, as Entra does',
});

const byName = new Map(ROUTES.map((route) => [route.resource, route]));
const SERVED = `${ROUTES.map((route) => route.resource).join(', ')} (discovery read-only)`;

/**
 * The route a request may take to MAS, or the SCIM error it is answered with here: 404 for what is
 * not served, 405 with `Allow` for a method the route does not take.
 */
export function routeFor(target: ResourcePath, method: string): Route {
  const route = byName.get(target.resource);
  const search = target.id?.toLowerCase() === '.search' || target.resource.toLowerCase() === '.search';
  const allowed = target.id === undefined ? route?.collection : route?.item;
  if (!route || !allowed?.length || search || (route.profile === 'required' && target.profile === undefined)) {
    const name = search ? '.search' : target.resource;
    const why = NOT_SERVED[name] ?? 'it is not part of what Entra provisions';
    throw new ScimError(
      404,
      `scim-proxy forwards only ${SERVED} to MAS; ${JSON.stringify(name.slice(0, 60))} is not forwarded: ${why}.`,
      { code: 'route_not_served' },
    );
  }
  if (allowed.includes(method)) return route;
  const where = target.id === undefined ? `/${route.resource}` : `/${route.resource}/<id>`;
  const readOnly = route.body.startsWith('none') ? ` (${route.resource} is read-only)` : '';
  throw new ScimError(
    405,
    `${where} takes ${allowed.join(', ')}${readOnly}; ${method.slice(0, 20)} is not forwarded to MAS.`,
    { code: 'method_not_allowed', headers: { allow: allowed.join(', ') } },
  );
}
