import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ScimError } from '../../src/scim/error.ts';
import { parseResourcePath } from '../../src/scim/resource-path.ts';
import { ROUTES, routeFor } from '../../src/scim/routes.ts';

const refusal = (method: string, path: string): ScimError => {
  const target = parseResourcePath(path);
  assert.ok(target, path);
  try {
    routeFor(target, method);
  } catch (error) {
    assert.ok(error instanceof ScimError);
    return error;
  }
  assert.fail(`${method} ${path} was allowed`);
};

test('Users and Groups take what Entra sends, on the collection and on one resource', () => {
  for (const [method, path] of [
    ['GET', '/scim/v2/p1/Users'],
    ['POST', '/scim/v2/p1/Users'],
    ['PATCH', '/scim/v2/p1/Users/u1'],
    ['DELETE', '/scim/v2/p1/groups/g1'],
    ['PUT', '/scim/v2/p1/Groups/g1'],
    ['GET', '/scim/v2/p1/Schemas'],
    ['GET', '/scim/v2/ServiceProviderConfig'],
    ['HEAD', '/scim/v2/ResourceTypes/User'],
  ]) {
    const target = parseResourcePath(path as string);
    assert.ok(target);
    assert.equal(routeFor(target, method as string).resource, target.resource, `${method} ${path}`);
  }
});

test('the profile API, Bulk, /Me, .search and unknown resources are a 404 that says why', () => {
  for (const [path, why] of [
    ['/scim/v2/Profiles', /entitled/],
    ['/scim/v2/profiles/p1', /entitled/],
    ['/scim/v2/Bulk', /rules, the guard/],
    ['/scim/v2/p1/Bulk', /rules, the guard/],
    ['/scim/v2/Me', /own MAS user/],
    ['/scim/v2/p1/Users/.search', /GET with \?filter=/],
    ['/scim/v2/p1/.search', /GET with \?filter=/],
    ['/scim/v2/p1/Applications', /not part of what Entra provisions/],
    ['/scim/v2/p1', /not part of what Entra provisions/],
    ['/scim/v2/Users', /not part of what Entra provisions/],
  ] as const) {
    const error = refusal(path.includes('.search') ? 'POST' : 'GET', path);
    assert.equal(error.status, 404, path);
    assert.equal(error.code, 'route_not_served');
    assert.match(error.message, /forwards only Users, Groups/);
    assert.match(error.message, why, path);
  }
});

test('discovery endpoints are read-only: a write is a 405 with Allow: GET, HEAD', () => {
  for (const [method, path] of [
    ['PUT', '/scim/v2/Schemas/urn:x'],
    ['POST', '/scim/v2/p1/ResourceTypes'],
    ['DELETE', '/scim/v2/ServiceProviderConfig'],
  ] as const) {
    const error = refusal(method, path);
    assert.equal(error.status, 405);
    assert.equal(error.headers.allow, 'GET, HEAD');
    assert.match(error.message, /read-only/);
  }
});

test('a method a route does not take is a 405 naming the ones it does', () => {
  const error = refusal('POST', '/scim/v2/p1/Groups/g1');
  assert.equal(error.status, 405);
  assert.equal(error.headers.allow, 'GET, HEAD, PUT, PATCH, DELETE');
  assert.equal(refusal('PATCH', '/scim/v2/p1/Users').headers.allow, 'GET, HEAD, POST');
});

test('every route is reproduced in the documented table of what reaches MAS', async () => {
  const root = new URL('../../', import.meta.url);
  const docs = existsSync(new URL('docs/', root)) ? readdirSync(new URL('docs/', root)).map((f) => `docs/${f}`) : [];
  const text = ['README.md', ...docs].map((file) => readFileSync(new URL(file, root), 'utf8')).join('\n');
  for (const route of ROUTES) {
    const row = text.split('\n').find((line) => line.startsWith(`| \`${route.resource}\``));
    assert.ok(row, `README has a row for ${route.resource}`);
    assert.ok(row.includes(route.collection.join(', ')), `${route.resource}: collection methods`);
    if (route.item.length > 0) assert.ok(row.includes(route.item.join(', ')), `${route.resource}: item methods`);
  }
});
