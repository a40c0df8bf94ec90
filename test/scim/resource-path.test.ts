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

test('a trailing slash names the same resource, and MAS gets the path without it', () => {
  assert.equal(parseResourcePath('/scim/v2/p1/Users/')?.resource, 'Users');
  assert.equal(parseResourcePath('/scim/v2/p1/Users/')?.id, undefined);
  assert.equal(parseResourcePath('/scim/v2/p1/Users/')?.path, '/scim/v2/p1/Users');
});

test('a resource name in any case is matched and forwarded in its canonical spelling', () => {
  assert.deepEqual(parseResourcePath('/scim/v2/MasProfile1/groups/G1'), {
    path: '/scim/v2/MasProfile1/Groups/G1',
    profile: 'MasProfile1',
    resource: 'Groups',
    id: 'G1',
  });
  assert.equal(parseResourcePath('/scim/v2/p1/%55SERS')?.path, '/scim/v2/p1/Users');
  assert.equal(parseResourcePath('/scim/v2/PROFILES/p1')?.resource, 'Profiles');
  assert.equal(parseResourcePath('/scim/v2/p1/bulk')?.resource, 'Bulk');
});

test('a path deeper than profile, resource and id is not a SCIM path', () => {
  assert.equal(parseResourcePath('/scim/v2/p1/Users/u1/extra'), undefined);
  assert.equal(parseResourcePath('/scim/v2/Schemas/a/b'), undefined);
});

test('a segment that would become a dot segment or separator under any number of decodings is refused', () => {
  for (const path of ['/scim/v2/p1/Users/%25252e%25252e', '/scim/v2/p1/Users/%2525252f', '/scim/v2/p1/%252e']) {
    assert.equal(parseResourcePath(path), undefined, path);
  }
  assert.equal(parseResourcePath('/scim/v2/p1/Users/50%25')?.id, '50%', 'a percent sign that decodes to nothing else');
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
