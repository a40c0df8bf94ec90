// Generators of Entra-shaped requests for the property tests. Each PATCH operation comes with what
// the rewrite owes it (the member ids it removes, whether it must be refused), so a property can
// state its expectation without re-implementing the rules.
import fc from 'fast-check';
import type { Subject } from '../../src/rules/apply.ts';

export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export type Role =
  /** `{"op":"Remove","path":"members","value":[{"value":"id"},...]}`: Entra's legacy removal. */
  | 'legacy-removal'
  /** `{"op":"remove","path":"members[value eq \"id\"]"}`: the flagged, already compliant removal. */
  | 'filtered-removal'
  /** A legacy removal with an empty list: removes nothing. */
  | 'empty-removal'
  /** A remove of members with no `value` (or null): would empty the group. */
  | 'valueless-removal'
  /** A legacy removal listing a member that has no usable `value`: cannot be made safe. */
  | 'nameless-removal'
  /** A replace of members with nothing: empties the group too. */
  | 'emptying-replace'
  | 'other';

export interface GeneratedOp {
  operation: unknown;
  role: Role;
  /** The member ids this op removes, in Entra's order. */
  removes: string[];
}

export interface GeneratedPatch {
  subject: Subject;
  ops: GeneratedOp[];
}

const capitalised = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** An op name as Entra spells it (legacy `Remove`, flagged `remove`) or as some other client might. */
export const opSpelling = (name: 'add' | 'remove' | 'replace'): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(name, capitalised(name), name.toUpperCase()) },
    { weight: 1, arbitrary: fc.mixedCase(fc.constant(name)) },
  );

const membersPath = fc.constantFrom('members', 'Members', 'MEMBERS');

/** Entra object ids: GUIDs, as Entra sends them (lower case) or upper-cased by some directory sync. */
const guid = fc.oneof(
  { weight: 3, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
);

// Pieces that would change what a filter selects if an id were pasted into it unescaped.
const HOSTILE_PIECES = [
  '"',
  '\\',
  ']',
  '[',
  '"]',
  '\\"',
  '\\\\',
  ' or ',
  ' and ',
  '"] or value pr or ["',
  ' or value pr',
  'value eq "x"',
  '(',
  ')',
  'not ',
  '\\u0022',
  '\u0000',
  '\u0008',
  '\n',
  '\r',
  '\t',
  '\u001f',
  '\u007f',
  '\u2028',
  'ü',
  'Jürgen',
  '😀',
  '\ud800',
  '\udfff',
  ' ',
  '',
];

const hostileId = fc.oneof(
  fc.constantFrom(...HOSTILE_PIECES, 'a\\', 'x"y', "o'brien+test@contoso.com", 'weird"id\\x'),
  fc
    .array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ unit: 'binary-ascii', maxLength: 3 }), guid), {
      minLength: 1,
      maxLength: 6,
    })
    .map((pieces) => pieces.join('')),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => `id${String.fromCharCode(unit)}`),
);

/** A string put between quotes as it is, the way a careless client builds a filter. */
const rawString = (value: string): string => `"${value}"`;

/** A member id: mostly realistic GUIDs, often strings built to break a filter. */
export const memberId: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: guid },
  { weight: 1, arbitrary: hostileId },
);

/** One element of a member list, in the shapes Entra and other clients use, with the id it names. */
const listedMember: fc.Arbitrary<{ id: string; entry: unknown }> = fc
  .tuple(
    memberId,
    fc.constantFrom<(id: string) => unknown>(
      (id) => ({ value: id }),
      (id) => ({ $ref: null, value: id }),
      (id) => ({ value: id, display: 'Alice' }),
      (id) => id,
    ),
  )
  .map(([id, shape]) => ({ id, entry: shape(id) }));

// fast-check keeps lists short (≤ 10) unless told otherwise; Entra lists up to dozens of members.
const memberList = fc.oneof(
  { weight: 3, arbitrary: fc.array(listedMember, { minLength: 1, maxLength: 50 }) },
  { weight: 1, arbitrary: fc.array(listedMember, { minLength: 1, maxLength: 50, size: 'max' }) },
);

const legacyRemoval: fc.Arbitrary<GeneratedOp> = fc
  .record({ op: opSpelling('remove'), path: membersPath, members: memberList, bare: fc.boolean() })
  .map(({ op, path, members, bare }) => {
    // A single member may come as the object itself rather than a one-element list.
    const single = bare && members.length === 1 ? members[0]?.entry : undefined;
    return {
      operation: { op, path, value: single ?? members.map((m) => m.entry) },
      role: 'legacy-removal',
      removes: members.map((m) => m.id),
    };
  });

const filteredRemoval: fc.Arbitrary<GeneratedOp> = fc
  .record({ op: opSpelling('remove'), attribute: membersPath, id: memberId })
  .map(({ op, attribute, id }) => ({
    operation: { op, path: `${attribute}[value eq ${JSON.stringify(id)}]` },
    role: 'filtered-removal',
    removes: [id],
  }));

const emptyRemoval: fc.Arbitrary<GeneratedOp> = fc
  .record({ op: opSpelling('remove'), path: membersPath })
  .map(({ op, path }) => ({ operation: { op, path, value: [] }, role: 'empty-removal', removes: [] }));

const valuelessRemoval: fc.Arbitrary<GeneratedOp> = fc
  .record({ op: opSpelling('remove'), path: membersPath, explicitNull: fc.boolean() })
  .map(({ op, path, explicitNull }) => ({
    operation: explicitNull ? { op, path, value: null } : { op, path },
    role: 'valueless-removal',
    removes: [],
  }));

// Members that name nobody: no `value`, a null or structured `value`, or no object at all.
const namelessMember = fc.constantFrom<unknown>(
  { display: 'Alice' },
  {},
  { value: null },
  { $ref: null },
  { value: { value: 'u1' } },
  { value: ['u1'] },
  { value: true },
  null,
  true,
  [],
);

const namelessRemoval: fc.Arbitrary<GeneratedOp> = fc
  .record({
    op: opSpelling('remove'),
    path: membersPath,
    before: fc.array(memberId, { maxLength: 3 }),
    nameless: namelessMember,
    after: fc.array(memberId, { maxLength: 3 }),
  })
  .map(({ op, path, before, nameless, after }) => {
    const named = (ids: string[]) => ids.map((value) => ({ value }));
    // Alone, the member may come unwrapped, as a legacy single removal does (null or [] would then
    // be no member at all: those are the valueless and empty removals).
    const alone = before.length + after.length === 0 && nameless !== null && !Array.isArray(nameless);
    const value = alone ? nameless : [...named(before), nameless, ...named(after)];
    return { operation: { op, path, value }, role: 'nameless-removal', removes: [] };
  });

const emptyingReplace: fc.Arbitrary<GeneratedOp> = fc
  .record({ op: opSpelling('replace'), path: membersPath, value: fc.constantFrom<unknown>([], null, undefined) })
  .map(({ op, path, value }) => ({
    operation: value === undefined ? { op, path } : { op, path, value },
    role: 'emptying-replace',
    removes: [],
  }));

const other = (arbitrary: fc.Arbitrary<unknown>): fc.Arbitrary<GeneratedOp> =>
  arbitrary.map((operation) => ({ operation, role: 'other', removes: [] }));

const displayName = fc.oneof(fc.constantFrom('Maximo Supervisors', 'Maximo Planners (EU)'), memberId);

const addMembers = other(
  fc.record({
    op: opSpelling('add'),
    path: membersPath,
    value: fc.array(
      memberId.map((value) => ({ $ref: null, value })),
      { minLength: 1, maxLength: 5 },
    ),
  }),
);

const renameGroup = other(
  fc.record({ op: opSpelling('replace'), path: fc.constant('displayName'), value: displayName }),
);
const pathlessRename = other(fc.record({ op: opSpelling('replace'), value: fc.record({ displayName }) }));

const booleanString = fc.constantFrom('True', 'False', 'true', 'false', 'TRUE', true, false);

/** Entra's path-less replace of several user attributes (`aadOptscim062020`), keys that are paths included. */
const pathlessUserReplace = other(
  fc.record({
    op: opSpelling('replace'),
    value: fc.record(
      {
        active: booleanString,
        displayName: memberId,
        'name.givenName': memberId,
        'name.familyName': memberId,
        [`${ENTERPRISE}:employeeNumber`]: memberId,
        title: memberId,
      },
      { requiredKeys: [] },
    ),
  }),
);

const userOps: fc.Arbitrary<GeneratedOp> = fc.oneof(
  pathlessUserReplace,
  other(fc.record({ op: opSpelling('replace'), path: fc.constantFrom('active', 'Active'), value: booleanString })),
  other(
    fc.record({
      op: opSpelling('add'),
      path: fc.constantFrom('emails[type eq "work"].value', 'addresses[type eq "work"].locality'),
      value: memberId,
    }),
  ),
  other(
    fc.record({
      op: opSpelling('replace'),
      path: fc.constantFrom('emails[type eq "work"].value', 'phoneNumbers[type eq "mobile"].value'),
      value: memberId,
    }),
  ),
  other(fc.record({ op: opSpelling('add'), path: fc.constantFrom('manager', `${ENTERPRISE}:manager`), value: guid })),
  other(fc.record({ op: opSpelling('replace'), path: fc.constantFrom('userName', 'displayName'), value: memberId })),
);

/** Group PATCH ops that the rewrite must forward (no refusal among them). */
const safeGroupOp: fc.Arbitrary<GeneratedOp> = fc.oneof(
  { weight: 4, arbitrary: legacyRemoval },
  { weight: 2, arbitrary: filteredRemoval },
  { weight: 1, arbitrary: emptyRemoval },
  { weight: 2, arbitrary: addMembers },
  { weight: 1, arbitrary: renameGroup },
  { weight: 1, arbitrary: pathlessRename },
);

/** Any group PATCH op, those that must be refused included. */
const anyGroupOp: fc.Arbitrary<GeneratedOp> = fc.oneof(
  { weight: 6, arbitrary: safeGroupOp },
  { weight: 1, arbitrary: valuelessRemoval },
  { weight: 1, arbitrary: namelessRemoval },
  { weight: 1, arbitrary: emptyingReplace },
);

function patch(resource: 'Groups' | 'Users', ops: fc.Arbitrary<GeneratedOp>, minLength: number) {
  return fc.record({ ops: fc.array(ops, { minLength, maxLength: 6 }), id: guid }).map(
    ({ ops: generated, id }): GeneratedPatch => ({
      ops: generated,
      subject: {
        method: 'PATCH',
        resource,
        id,
        query: {},
        body: { schemas: [PATCH_OP], Operations: generated.map((g) => g.operation) },
      },
    }),
  );
}

/** A group PATCH with at least one legacy removal, nothing in it to refuse. */
export const removalPatch: fc.Arbitrary<GeneratedPatch> = fc
  .tuple(legacyRemoval, patch('Groups', safeGroupOp, 0), fc.nat())
  .map(([removal, generated, at]) => {
    const ops = [...generated.ops];
    ops.splice(at % (ops.length + 1), 0, removal);
    const body = { schemas: [PATCH_OP], Operations: ops.map((g) => g.operation) };
    return { ops, subject: { ...generated.subject, body } };
  });

/** A group PATCH mixing every kind of op, refusable ones included. */
export const groupPatch: fc.Arbitrary<GeneratedPatch> = patch('Groups', anyGroupOp, 1);

/** A group PATCH that must be forwarded (or answered 204 when nothing is left). */
export const safeGroupPatch: fc.Arbitrary<GeneratedPatch> = patch('Groups', safeGroupOp, 1);

export const userPatch: fc.Arbitrary<GeneratedPatch> = patch('Users', userOps, 1);

/** Entra-shaped PATCH requests the proxy forwards: groups and users. */
export const forwardablePatch: fc.Arbitrary<GeneratedPatch> = fc.oneof(safeGroupPatch, userPatch);

/**
 * Anything a client could send: Entra's shapes, the same shapes damaged (ops that are not objects,
 * `Operations` not a list), arbitrary JSON, and GET filters built from hostile strings.
 */
export const anyRequest: fc.Arbitrary<Subject> = fc.oneof(
  groupPatch.map((p) => p.subject),
  userPatch.map((p) => p.subject),
  fc
    .record({
      method: fc.constantFrom('PATCH', 'POST', 'PUT'),
      resource: fc.constantFrom('Users', 'Groups'),
      ops: fc.array(
        fc.oneof(
          anyGroupOp.map((g) => g.operation),
          userOps.map((g) => g.operation),
          fc.jsonValue(),
        ),
        {
          maxLength: 5,
        },
      ),
      wrap: fc.constantFrom('list', 'object', 'bare'),
    })
    .map(({ method, resource, ops, wrap }) => ({
      method,
      resource,
      id: 'x1',
      query: {},
      body:
        wrap === 'list'
          ? { schemas: [PATCH_OP], Operations: ops }
          : wrap === 'object'
            ? { Operations: { ...ops } }
            : (ops[0] ?? null),
    })),
  fc.record({
    method: fc.constantFrom('PATCH', 'POST', 'PUT', 'DELETE'),
    resource: fc.constantFrom('Users', 'Groups'),
    id: fc.constant('x1'),
    query: fc.constant({}),
    body: fc.jsonValue(),
  }),
  fc.record({
    method: fc.constant('GET'),
    resource: fc.constantFrom('Users', 'Groups'),
    id: fc.constant(undefined),
    query: fc
      .tuple(
        fc.constantFrom('displayName', 'userName', 'externalId', 'emails[type eq "work"].value', 'id'),
        fc.constantFrom('eq', 'EQ', 'co'),
        hostileId,
        fc.constantFrom<(value: string) => string>(JSON.stringify, rawString, (value) => value),
      )
      .map(([attribute, op, value, write]) => ({ filter: `${attribute} ${op} ${write(value)}`, aadOptscim062020: '' })),
    body: fc.constant(null),
  }),
  // Typed filter paths whose type is hostile, escaped or pasted in raw.
  fc
    .record({
      resource: fc.constantFrom('Users', 'Groups'),
      ops: fc.array(
        fc.record({
          op: opSpelling('add'),
          path: fc
            .tuple(fc.constantFrom('emails', 'addresses'), hostileId, fc.constantFrom(JSON.stringify, rawString))
            .map(([attribute, type, write]) => `${attribute}[type eq ${write(type)}].value`),
          value: memberId,
        }),
        { minLength: 1, maxLength: 3 },
      ),
    })
    .map(({ resource, ops }) => ({
      method: 'PATCH',
      resource,
      id: 'x1',
      query: {},
      body: { schemas: [PATCH_OP], Operations: ops },
    })),
);
