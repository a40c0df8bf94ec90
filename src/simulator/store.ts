/**
 * The simulator's state: profiles, and per profile its own users and groups. Plain JSON
 * records, so tests can inspect them without HTTP.
 */
import type { Profile } from './profile.ts';

export type ScimRecord = Record<string, unknown> & { id: string };

export interface Tenant {
  readonly users: Map<string, ScimRecord>;
  readonly groups: Map<string, ScimRecord>;
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
        tenant = { users: new Map(), groups: new Map() };
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
