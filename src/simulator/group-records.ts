/**
 * A profile's groups: records indexed by displayName, and by member, so deleting a user visits
 * only the groups that list it instead of every group and every membership of the tenant.
 */
import { createRecords, type Records } from './records.ts';

export interface GroupRecords extends Records {
  /**
   * Ids of the groups a user's deletion must rewrite: those listing `userId` as a member's
   * `value`, and those whose `members` is not a list of objects (the deletion rewrites those too,
   * as it always has: an absent list becomes `[]`).
   */
  holding(userId: string): string[];
}

export function createGroupRecords(): GroupRecords {
  const records = createRecords('displayName');
  const byMember = new Map<string, Set<string>>();
  const listed = new Map<string, string[]>();
  const unlisted = new Set<string>();

  function unindex(id: string): void {
    for (const value of listed.get(id) ?? []) {
      const ids = byMember.get(value);
      ids?.delete(id);
      if (ids?.size === 0) byMember.delete(value);
    }
    listed.delete(id);
    unlisted.delete(id);
  }

  function index(id: string, members: unknown): void {
    if (!Array.isArray(members) || members.some((member) => member === null || member === undefined)) {
      unlisted.add(id);
      return;
    }
    const values: string[] = [];
    for (const member of members) {
      const value = (member as { value?: unknown }).value;
      // A member's value is compared to the user id with ===: only strings can ever match.
      if (typeof value !== 'string') continue;
      let ids = byMember.get(value);
      if (!ids) {
        ids = new Set();
        byMember.set(value, ids);
      }
      ids.add(id);
      values.push(value);
    }
    listed.set(id, values);
  }

  return {
    attribute: records.attribute,
    get: (id) => records.get(id),
    has: (id) => records.has(id),
    set(id, record) {
      unindex(id);
      records.set(id, record);
      index(id, record.members);
    },
    delete(id) {
      unindex(id);
      return records.delete(id);
    },
    values: () => records.values(),
    withKey: (value) => records.withKey(value),
    keyIn: (filter) => records.keyIn(filter),
    holding: (userId) => [...(byMember.get(userId) ?? []), ...unlisted],
  };
}
