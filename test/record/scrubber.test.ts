// What a recording keeps of a request: decided by attribute, so one value gets one hash everywhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasher } from '../../src/observe/audit-view.ts';
import { receivedHeaders } from '../../src/record/headers.ts';
import { scrubber } from '../../src/record/scrubber.ts';
import { parseResourcePath } from '../../src/scim/resource-path.ts';

const hash = hasher('salt');
const scrub = scrubber(hash);
const filter = (text: string, resource = 'Users') => scrub.query({ filter: text }, resource).filter;

test('filter values compared with personal attributes or user ids are hashed, kinds and group names are not', () => {
  assert.equal(filter('userName eq "a@b.c"'), `userName eq "${hash('a@b.c')}"`);
  assert.equal(filter('emails[type eq "work"].value eq "a@b.c"'), `emails[type eq "work"].value eq "${hash('a@b.c')}"`);
  assert.equal(
    filter('emails[type eq "work" and value eq "a@b.c"]'),
    `emails[type eq "work" and value eq "${hash('a@b.c')}"]`,
  );
  assert.equal(filter('id eq 54D382A4'), `id eq ${hash('54D382A4')}`);
  assert.equal(filter('externalId eq "e1" and active eq true'), 'externalId eq "e1" and active eq true');
  assert.equal(filter('displayName eq "Planners"', 'Groups'), 'displayName eq "Planners"');
  assert.equal(filter('members[value eq "u1"]', 'Groups'), `members[value eq "${hash('u1')}"]`);
});

test('a user id is hashed alike in the path, as a member, as a manager and in a filtered PATCH path', () => {
  const id = 'alice-id';
  const user = parseResourcePath(`/scim/v2/p/Users/${id}`)!;
  assert.equal(scrub.path(user), `/scim/v2/p/Users/${encodeURIComponent(hash(id))}`);
  assert.equal(scrub.id(id, 'Users'), hash(id));
  const group = scrub.body(
    {
      Operations: [
        { op: 'Add', path: 'members', value: [{ value: id, display: 'Alice' }] },
        { op: 'remove', path: `members[value eq "${id}"]` },
      ],
    },
    'Groups',
  );
  assert.deepEqual(group, {
    Operations: [
      { op: 'Add', path: 'members', value: [{ value: hash(id), display: hash('Alice') }] },
      { op: 'remove', path: `members[value eq "${hash(id)}"]` },
    ],
  });
  const manager = scrub.body(
    { op: 'replace', value: { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager': id } },
    'Users',
  );
  assert.deepEqual(manager, {
    op: 'replace',
    value: { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager': hash(id) },
  });
  assert.equal(scrub.path(parseResourcePath('/scim/v2/p/Groups/g1')!), '/scim/v2/p/Groups/g1');
});

test('without hashing only secrets go: a password in the body, a token in the query', () => {
  const plain = scrubber(undefined);
  assert.deepEqual(plain.body({ userName: 'a', password: 'p' }, 'Users'), { userName: 'a', password: '[redacted]' });
  assert.deepEqual(plain.query({ filter: 'userName eq "a"', access_token: 't' }, 'Users'), {
    filter: 'userName eq "a"',
    access_token: '[redacted]',
  });
});

test('received headers keep what Entra sent, not its credentials or the connection', () => {
  const headers = receivedHeaders([
    'authorization',
    'Bearer real-token',
    'Content-Type',
    'application/scim+json',
    'Host',
    'proxy:8080',
    'X-Forwarded-For',
    '10.0.0.1',
    'X-Api-Key',
    'k',
    'X-Other',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig',
    'client-request-id',
    'r-1',
  ]);
  assert.deepEqual(headers, {
    Authorization: 'Bearer <secret-token>',
    'Content-Type': 'application/scim+json',
    'X-Api-Key': '<secret>',
    'X-Other': '<secret>',
    'client-request-id': 'r-1',
  });
});
