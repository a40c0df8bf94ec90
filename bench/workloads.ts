// What Entra sends, as the benchmark sends it: the request shapes come from the corpus
// (test/fixtures/entra), named after the case they reproduce.

export const BENCH_SCIM_TOKEN = 'bench-entra-secret-token';
export const BENCH_MAS_TOKEN = 'bench-mas-token';
export const PROFILE = 'MasProfile1';

export interface BenchRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Workload {
  name: string;
  /** What it reproduces, for the table. */
  summary: string;
  request: BenchRequest;
}

const headers = {
  authorization: `Bearer ${BENCH_SCIM_TOKEN}`,
  'content-type': 'application/scim+json; charset=utf-8',
};
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Entra's legacy removal (patch-group-remove-member-legacy-doc) of `count` members in one operation. */
export function legacyRemoval(count: number): { schemas: string[]; Operations: unknown[] } {
  const value = Array.from({ length: count }, (_, i) => ({ $ref: null, value: `u${String(i).padStart(8, '0')}` }));
  return { schemas: [PATCH_OP], Operations: [{ op: 'Remove', path: 'members', value }] };
}

/** patch-user-replace-multiple-flag-pathless: the path-less `replace` sent with aadOptscim062020. */
const pathlessReplace = {
  schemas: [PATCH_OP],
  Operations: [
    { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
    {
      op: 'replace',
      value: {
        displayName: 'Bjfe',
        'name.givenName': 'Kkom',
        'name.familyName': 'Unua',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq',
      },
    },
  ],
};

/** create-user-all-default-mappings. */
export function newUser(userName: string, externalId: string): Record<string, unknown> {
  return {
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ],
    externalId,
    userName,
    active: true,
    displayName: 'Alice Smith',
    title: 'Engineer',
    preferredLanguage: 'en-US',
    emails: [{ primary: true, type: 'work', value: userName }],
    name: { formatted: 'Alice Smith', familyName: 'Smith', givenName: 'Alice' },
    addresses: [
      {
        type: 'work',
        formatted: 'Building 4',
        streetAddress: '1 Main St',
        locality: 'Redmond',
        region: 'WA',
        postalCode: '98052',
        country: 'US',
        primary: false,
      },
    ],
    phoneNumbers: [
      { type: 'work', value: '+1 425 555 0100' },
      { type: 'mobile', value: '+1 425 555 0101' },
      { type: 'fax', value: '+1 425 555 0102' },
    ],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
      employeeNumber: '701984',
      department: 'Tour Operations',
    },
    meta: { resourceType: 'User' },
    roles: [],
  };
}

/** match-user-by-userName: the query string Entra sends before creating a user. */
export const userNameFilter = (userName: string): string => `filter=${encodeURIComponent(`userName eq "${userName}"`)}`;

/** The user the bench upstream answers with: created (POST), and alone in every list (GET). */
export const BENCH_USER = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: 'u1',
  userName: 'alice@contoso.com',
  active: true,
  displayName: 'Alice Smith',
  emails: [{ primary: true, type: 'work', value: 'alice@contoso.com' }],
  meta: { resourceType: 'User', created: '2026-01-01T00:00:00Z', lastModified: '2026-01-01T00:00:00Z' },
};
export const userList = () => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  totalResults: 1,
  startIndex: 1,
  itemsPerPage: 1,
  Resources: [BENCH_USER],
});

/** Where the bench upstream answers with a group as large as the proxy reads whole (32 MiB). */
export const LARGE_GROUP_PATH = 'Groups/large';
export const largeGroupRequest: BenchRequest = {
  method: 'GET',
  path: `/scim/v2/${PROFILE}/${LARGE_GROUP_PATH}`,
  headers: { authorization: headers.authorization },
};

export const WORKLOADS: readonly Workload[] = [
  {
    name: 'group-remove-10',
    summary: 'PATCH Group: legacy removal of 10 members',
    request: {
      method: 'PATCH',
      path: `/scim/v2/${PROFILE}/Groups/g1`,
      headers,
      body: JSON.stringify(legacyRemoval(10)),
    },
  },
  {
    name: 'user-patch-pathless',
    summary: 'PATCH User: path-less flagged replace',
    request: {
      method: 'PATCH',
      path: `/scim/v2/${PROFILE}/Users/u1?aadOptscim062020`,
      headers,
      body: JSON.stringify(pathlessReplace),
    },
  },
  {
    name: 'user-get-username',
    summary: 'GET Users?filter=userName eq',
    request: {
      method: 'GET',
      path: `/scim/v2/${PROFILE}/Users?${userNameFilter('Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee')}`,
      headers: { authorization: headers.authorization },
    },
  },
  {
    name: 'user-post',
    summary: 'POST User: all default mappings',
    request: {
      method: 'POST',
      path: `/scim/v2/${PROFILE}/Users`,
      headers,
      body: JSON.stringify(newUser('alice@contoso.com', 'alice')),
    },
  },
];
