import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResourcePath } from '../../src/scim/resource-path.ts';

test('a profile-scoped path names its profile, resource and decoded id', () => {
  assert.deepEqual(parseResourcePath('/scim/v2/MasProfile1/Users/alice%40contoso.com'), {
    path: '/scim/v2/MasProfile1/Users/alice%40contoso.com',
    profile: 'MasProfile1',
    resource: 'Users',
    id: 'alice@contoso.com',
  });
});

test('a trailing slash names the same resource', () => {
  assert.equal(parseResourcePath('/scim/v2/p1/Users/')?.resource, 'Users');
  assert.equal(parseResourcePath('/scim/v2/p1/Users/')?.id, undefined);
});

test('Profiles and the discovery endpoints have no profile', () => {
  assert.equal(parseResourcePath('/scim/v2/Profiles/p1')?.resource, 'Profiles');
  assert.equal(parseResourcePath('/scim/v2/Profiles/p1')?.profile, undefined);
});

test('dot segments, encoded separators, empty segments and other prefixes are not SCIM paths', () => {
  for (const path of [
    '/scim/v2/../v1/authenticate',
    '/scim/v2/p/./Users',
    '/scim/v2/%2E%2e/x',
    '/scim/v2/p/Users/a%2Fb',
    '/scim/v2/p/Users/a%5Cb',
    '/scim/v2/p/Users/%00',
    '/scim/v2/p//Users',
    '/scim/v2/p/Users/%E0%A4%A',
    '/v1/authenticate',
    'http://evil.example/scim/v2/p/Users',
    '/scim/v2',
  ]) {
    assert.equal(parseResourcePath(path), undefined, path);
  }
});
