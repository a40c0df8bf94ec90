/**
 * One Entra provisioning cycle, request by request, in the shapes Entra really sends
 * (corpus/entra). The demo and the end-to-end tests replay the same steps, straight at MAS (the
 * simulator) or through scim-proxy, so what they show about one holds for the other.
 */

/** Ids MAS assigned to what earlier steps created, by name (`alice`, `group`). */
export type CycleIds = Readonly<Record<string, string>>;

export interface EntraRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Relative to the Tenant URL, e.g. `/Users`. */
  path: string;
  query?: Readonly<Record<string, string>>;
  body?: unknown;
}

export interface CycleStep {
  /** What Entra is doing, in an administrator's words. */
  does: string;
  request(ids: CycleIds): EntraRequest;
  /** Keeps the created resource's id under this name for the steps after it. */
  saveIdAs?: string;
}

export interface StepOutcome {
  does: string;
  status: number;
  body: unknown;
}

export interface CycleTarget {
  /** Base URL of MAS or of the proxy, e.g. `http://127.0.0.1:8080`. */
  url: string;
  token: string;
  profileId: string;
}

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

/** Sends the steps in order, as Entra would, and carries created ids forward. */
export async function runCycle(
  steps: readonly CycleStep[],
  target: CycleTarget,
): Promise<{ ids: CycleIds; outcomes: StepOutcome[] }> {
  const ids: Record<string, string> = {};
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    const request = step.request(ids);
    const query = new URLSearchParams(request.query).toString().replace(/=(?=&|$)/g, '');
    const url = `${target.url}/scim/v2/${target.profileId}${request.path}${query ? `?${query}` : ''}`;
    const response = await fetch(url, {
      method: request.method,
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/scim+json; charset=utf-8' },
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
    });
    const text = await response.text();
    const body = parse(text);
    outcomes.push({ does: step.does, status: response.status, body });
    const created = (body as { id?: unknown } | undefined)?.id;
    if (step.saveIdAs && response.ok && typeof created === 'string') ids[step.saveIdAs] = created;
  }
  return { ids, outcomes };
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
