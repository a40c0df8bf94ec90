/**
 * The simulator's state: profiles, and per profile its own users and groups. Plain JSON
 * records, so tests can inspect them without HTTP.
 */

import { createGroupRecords, type GroupRecords } from './group-records.ts';
import type { Profile } from './profile.ts';
import { createRecords, type Records } from './records.ts';

export type ScimRecord = Record<string, unknown> & { id: string };

export interface Tenant {
  /** Indexed by userName, which Entra matches users by and which must be unique. */
  readonly users: Records;
  /** Indexed by displayName, which Entra matches groups by, and by member. */
  readonly groups: GroupRecords;
}

export interface Store {
  readonly profiles: Map<string, Profile>;
  /** The users and groups of one profile, created on first use. */
  tenant(profileId: string): Tenant;
  clear(): void;
}

export function createStore(): Store {
  const profiles = new Map<string, Profile>();
  const tenants = new Map<string, Tenant>();
  return {
    profiles,
    tenant(profileId) {
      let tenant = tenants.get(profileId);
      if (!tenant) {
        tenant = { users: createRecords('userName'), groups: createGroupRecords() };
        tenants.set(profileId, tenant);
      }
      return tenant;
    },
    clear() {
      profiles.clear();
      tenants.clear();
    },
  };
}

/** A deep copy, so callers never hold a reference into the store. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}
