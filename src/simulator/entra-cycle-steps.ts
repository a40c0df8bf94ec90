/**
 * The steps of the Entra cycle (see entra-cycle.ts), each in a shape from corpus/entra: the
 * Test Connection probe, create-user-doc, create-group-real-members-empty, the legacy member
 * removal, "False" for active, the flagged path-less replace, managers as bare strings.
 */
import type { CycleIds, CycleStep } from './entra-cycle.ts';

export const GROUP_NAME = 'AP_MAXIMO_SUPERVISORS';
export const RENAMED_GROUP = 'AP_MAXIMO_SUPERVISORS_EMEA';
export const PEOPLE = ['alice', 'bob', 'carol'] as const;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const EMPLOYEE_NUMBER = `${ENTERPRISE}:employeeNumber`;
// Entra's aadOptscim062020 flag rides on the Tenant URL as a bare name; the proxy strips it.
const FLAG = { aadOptscim062020: '' };

const userName = (who: string) => `${who}@contoso.com`;
const id = (ids: CycleIds, name: string) => ids[name] ?? `never-created-${name}`;

/** A PATCH of `resource/<id of name>` with the operations Entra sends. */
const patch = (
  does: string,
  [resource, name]: [string, string],
  operations: (ids: CycleIds) => unknown[],
  query?: Record<string, string>,
): CycleStep => ({
  does,
  request: (ids) => ({
    method: 'PATCH',
    path: `/${resource}/${id(ids, name)}`,
    ...(query && { query }),
    body: { schemas: [PATCH_OP], Operations: operations(ids) },
  }),
});

const findUser = (does: string, value: string): CycleStep => ({
  does,
  request: () => ({ method: 'GET', path: '/Users', query: { filter: `userName eq "${value}"` } }),
});
const probe = findUser('Test Connection: look up a random user name', '7d420df3-9995-4831-a406-ecf8166f5f6a');
const match = (who: string) => findUser(`look for ${who} before creating`, userName(who));

/** create-user-doc; with a manager, the enterprise extension carries it as a bare string. */
const create = (who: string, manager?: string): CycleStep => ({
  does: `create ${who}${manager ? ` (manager ${manager})` : ''}`,
  saveIdAs: who,
  request: (ids) => ({
    method: 'POST',
    path: '/Users',
    body: {
      schemas: [USER, ENTERPRISE],
      externalId: `${who}-entra-object-id`,
      userName: userName(who),
      active: true,
      emails: [{ primary: true, type: 'work', value: userName(who) }],
      meta: { resourceType: 'User' },
      name: { formatted: `${who} Contoso`, familyName: 'Contoso', givenName: who },
      roles: [],
      ...(manager && { [ENTERPRISE]: { department: 'Maintenance', manager: id(ids, manager) } }),
    },
  }),
});

const createGroup: CycleStep = {
  does: `create group ${GROUP_NAME}`,
  saveIdAs: 'group',
  request: () => ({
    method: 'POST',
    path: '/Groups',
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      externalId: 'entra-group-object-id',
      displayName: GROUP_NAME,
      members: [],
      meta: { resourceType: 'Group' },
    },
  }),
};

const group: [string, string] = ['Groups', 'group'];
const addMembers = patch('add alice, bob and carol to the group', group, (ids) => [
  { op: 'Add', path: 'members', value: PEOPLE.map((who) => ({ value: id(ids, who) })) },
]);
// Entra's legacy removal: under RFC 7644 §3.5.2.2, and in MAS, it removes every member.
const removeCarol = patch('remove carol from the group', group, (ids) => [
  { op: 'Remove', path: 'members', value: [{ $ref: null, value: id(ids, 'carol') }] },
]);
const disableCarol = patch('disable carol', ['Users', 'carol'], () => [
  { op: 'Replace', path: 'active', value: 'False' },
]);

/** The cycle the demo shows: connection test, three users, one group, one leaver. */
export const groupCycle: readonly CycleStep[] = [
  probe,
  ...PEOPLE.map((who) => create(who)),
  createGroup,
  addMembers,
  removeCarol,
  disableCarol,
];

/** Every shape the end-to-end test replays: the group cycle plus attribute and manager updates. */
export const fullCycle: readonly CycleStep[] = [
  probe,
  ...[match('alice'), create('alice'), match('bob'), create('bob', 'alice'), match('carol'), create('carol')],
  ...[createGroup, addMembers, removeCarol, disableCarol],
  patch(
    'rename alice (aadOptscim062020: one path-less replace with dotted keys)',
    ['Users', 'alice'],
    () => [
      { op: 'replace', value: { 'name.givenName': 'Alicia', 'name.familyName': 'Keys', [EMPLOYEE_NUMBER]: '1001' } },
    ],
    FLAG,
  ),
  patch('make bob the manager of carol', ['Users', 'carol'], (ids) => [
    { op: 'Add', path: `${ENTERPRISE}:manager`, value: id(ids, 'bob') },
  ]),
  patch('bob no longer reports to alice', ['Users', 'bob'], (ids) => [
    { op: 'remove', path: `manager[value eq "${id(ids, 'alice')}"]` },
  ]),
  patch(`rename the group to ${RENAMED_GROUP}`, group, () => [
    { op: 'Replace', path: 'displayName', value: RENAMED_GROUP },
  ]),
];
