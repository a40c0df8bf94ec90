/**
 * A MAS SCIM profile: how users and groups pushed under `/scim/v2/<profileId>` are entitled.
 * Only `id` and `version` are checked; the rest is stored as sent, as MAS's schema is not public.
 */
import { z } from 'zod';

const audit = z.object({ id: z.string(), timestamp: z.string() });

export const profileSchema = z.looseObject({
  id: z.string().min(1),
  version: z.number().int().nonnegative(),
  identities: z.array(z.looseObject({ type: z.string() })).optional(),
  entitlement: z.record(z.string(), z.unknown()).optional(),
  workspaces: z.array(z.looseObject({ id: z.string() })).optional(),
  runtimeConfigs: z.looseObject({ useGroupDisplayNameAsGroupId: z.boolean().optional() }).optional(),
  meta: z.object({ added: audit, updated: audit.optional() }).optional(),
});

export type Profile = z.infer<typeof profileSchema>;

/** MAS's own audit shape, not SCIM's `meta` (mas.md §1.2). */
export function stamp(profile: Profile, by: string, at: Date, previous?: Profile): Profile {
  const entry = { id: by, timestamp: at.toISOString() };
  const added = previous?.meta?.added ?? entry;
  return { ...profile, meta: previous ? { added, updated: entry } : { added } };
}

/**
 * Whether a PUT should replace the stored profile. MAS is said to apply a change only when
 * `version` increases (the wording is not in reachable IBM text: mas.md §1.2), so the gate
 * can be switched off.
 */
export function supersedes(next: Profile, stored: Profile, gate: boolean): boolean {
  return !gate || next.version > stored.version;
}

export function usesDisplayNameAsGroupId(profile: Profile | undefined): boolean {
  return profile?.runtimeConfigs?.useGroupDisplayNameAsGroupId === true;
}
