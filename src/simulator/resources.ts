/**
 * The Users and Groups resource handlers given to scimmy. scimmy keeps declared resources and
 * their handlers in global state, so the handlers hold no state of their own: each request's
 * context carries the profile's store and the simulator's options. That is what lets several
 * simulators share one process.
 */
import { randomUUID } from 'node:crypto';
import SCIMMY from 'scimmy';
import type { ResolvedOptions } from './options.ts';
import { type Profile, usesDisplayNameAsGroupId } from './profile.ts';
import type { FilterExpressions, Records } from './records.ts';
import { copy, type ScimRecord, type Tenant } from './store.ts';

export interface ScimContext {
  readonly tenant: Tenant;
  readonly profile: Profile | undefined;
  readonly options: ResolvedOptions;
}

type Kind = 'users' | 'groups';

interface Target {
  id?: string;
  filter?: FilterExpressions & { match(values: unknown[]): unknown[] };
}

/** Declares Users (with the enterprise extension) and Groups to scimmy; safe to call again. */
export function declareResources(): void {
  const { User, Group } = SCIMMY.Resources;
  if (!SCIMMY.Resources.declared(User)) User.extend(SCIMMY.Schemas.EnterpriseUser, false);
  SCIMMY.Resources.declare(User, {
    egress: (resource: Target, ctx: ScimContext) => read(ctx.tenant.users, resource, ctx.options),
    ingress: (resource: Target, instance: object, ctx: ScimContext) => writeUser(ctx, resource, instance),
    degress: (resource: Target, ctx: ScimContext) => dispose(ctx.tenant, 'users', resource),
  });
  SCIMMY.Resources.declare(Group, {
    egress: (resource: Target, ctx: ScimContext) => read(ctx.tenant.groups, resource, ctx.options),
    ingress: (resource: Target, instance: object, ctx: ScimContext) => writeGroup(ctx, resource, instance),
    degress: (resource: Target, ctx: ScimContext) => dispose(ctx.tenant, 'groups', resource),
  });
}

function read(records: Records, resource: Target, options: ResolvedOptions): ScimRecord | ScimRecord[] {
  if (resource.id !== undefined) return copy(existing(records, resource.id));
  const { filter } = resource;
  if (!filter) return copy([...records.values()]);
  // The index narrows `userName eq "x"` (and `displayName eq`) to its few records; scimmy still decides.
  const key = records.keyIn(filter);
  if (key === undefined) return copy(filter.match([...records.values()]) as ScimRecord[]);
  if (options.caseExactNames) return copy(filter.match(records.withKey(key)) as ScimRecord[]);
  // RFC 7643: userName and displayName are not case-exact, but scimmy compares strings as written:
  // each candidate is matched spelled as the filter spells it, and answered as stored.
  const { attribute } = records;
  return copy(records.withKey(key).filter((record) => filter.match([{ ...record, [attribute]: key }]).length > 0));
}

function writeUser(ctx: ScimContext, resource: Target, instance: object): ScimRecord {
  const data = plain(instance);
  // RFC 7643 §4.1.1: userName is unique and not case-exact.
  const clash = ctx.tenant.users.withKey(String(data.userName ?? '')).some((user) => user.id !== resource.id);
  if (clash) throw new SCIMMY.Types.Error(409, 'uniqueness', `userName ${String(data.userName)} already exists`);
  return save(ctx, 'users', resource.id ?? randomUUID(), data);
}

function writeGroup(ctx: ScimContext, resource: Target, instance: object): ScimRecord {
  const data = plain(instance);
  const members = Array.isArray(data.members) ? data.members : [];
  if (resource.id !== undefined) return save(ctx, 'groups', resource.id, { ...data, members });
  const id = groupId(ctx, String(data.displayName));
  if (ctx.tenant.groups.has(id)) throw new SCIMMY.Types.Error(409, 'uniqueness', `Group ${id} already exists`);
  return save(ctx, 'groups', id, { ...data, members });
}

/**
 * MAS turns a group's id into the Maximo security group name; without the profile's
 * `useGroupDisplayNameAsGroupId` it appends `_` and six lower-case letters (mas.md §3.2).
 */
function groupId(ctx: ScimContext, displayName: string): string {
  const suffixed = ctx.options.randomGroupIdSuffix && !usesDisplayNameAsGroupId(ctx.profile);
  return suffixed ? `${displayName}_${ctx.options.groupIdSuffix()}` : displayName;
}

function save(ctx: ScimContext, kind: Kind, id: string, data: Record<string, unknown>): ScimRecord {
  const records = ctx.tenant[kind];
  const now = new Date(ctx.options.now()).toISOString();
  const created = records.has(id) ? existing(records, id).meta : undefined;
  const createdAt = (created as { created?: string } | undefined)?.created ?? now;
  const record: ScimRecord = { ...data, id, meta: { created: createdAt, lastModified: now } };
  records.set(id, record);
  return copy(record);
}

function dispose(tenant: Tenant, kind: Kind, resource: Target): void {
  const id = resource.id ?? '';
  existing(tenant[kind], id);
  tenant[kind].delete(id);
  if (kind === 'users') {
    for (const groupId of tenant.groups.holding(id)) {
      const group = tenant.groups.get(groupId) as ScimRecord;
      const members = Array.isArray(group.members) ? (group.members as { value?: unknown }[]) : [];
      // Replaced rather than changed in place, so the member index follows; meta is left as it was.
      tenant.groups.set(groupId, { ...group, members: members.filter((member) => member.value !== id) });
    }
  }
}

function existing(records: Records, id: string): ScimRecord {
  const record = records.get(id);
  // scimmy itself passes null for "no scimType", though its types say string.
  if (!record) throw new SCIMMY.Types.Error(404, null as unknown as string, `Resource ${id} not found`);
  return record;
}

/** scimmy's schema instance as plain JSON, without the server-owned attributes. */
function plain(instance: object): Record<string, unknown> {
  const { id: _id, meta: _meta, ...data } = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
  return data;
}
