// MAS turns a synced group's id into the Maximo security group name, so Entra's "Maximo Supervisors"
// must arrive as the existing AP_MAXIMO_SUPERVISORS. An explicit table first, then an optional
// derivation; and back again in MAS's answers, so Entra sees the names it sent and does not
// re-PATCH them every cycle.

export type Derivation = 'none' | 'upper-snake';

export interface GroupNames {
  /** The MAS group id (Maximo group name) for an Entra display name. */
  toMas(displayName: string): string;
  /** The Entra display name for a MAS group name, given the names the request itself used. */
  toEntra(masName: string, mentioned: readonly string[]): string;
}

/** "Maximo Supervisors" → "MAXIMO_SUPERVISORS": upper case, accents dropped, other characters to `_`. */
export function upperSnake(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function createGroupNames(table: Readonly<Record<string, string>>, derivation: Derivation): GroupNames {
  const exact = new Map(Object.entries(table));
  const folded = new Map(Object.entries(table).map(([name, id]) => [name.toLowerCase(), id]));
  const inverse = new Map<string, string>();
  for (const [name, id] of exact) inverse.set(id, inverse.has(id) ? '' : name);
  const toMas = (displayName: string): string =>
    exact.get(displayName) ??
    folded.get(displayName.toLowerCase()) ??
    (derivation === 'upper-snake' ? upperSnake(displayName) || displayName : displayName);
  return {
    toMas,
    toEntra(masName, mentioned) {
      const fromRequest = mentioned.find((name) => toMas(name) === masName);
      if (fromRequest !== undefined) return fromRequest;
      // An id two display names map to cannot be told apart: MAS's name is the honest answer.
      const fromTable = inverse.get(masName);
      return fromTable ? fromTable : masName;
    },
  };
}

export const identityGroupNames: GroupNames = createGroupNames({}, 'none');
