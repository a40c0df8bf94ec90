// GROUP_MAP_FILE: a YAML (or JSON) map of Entra display name to MAS group id, usually a ConfigMap.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

const tableSchema = z.record(
  z.string().min(1),
  z.string().regex(/^\S+$/, { message: 'a MAS group id has no spaces (e.g. AP_MAXIMO_SUPERVISORS)' }),
);

export class GroupMapError extends Error {
  override name = 'GroupMapError';
}

export async function loadGroupMap(file: string): Promise<Record<string, string>> {
  let raw: unknown;
  try {
    raw = parse(await readFile(file, 'utf8')) ?? {};
  } catch (error) {
    throw new GroupMapError(
      `GROUP_MAP_FILE ${file}: ${(error as Error).message.split('\n')[0]}; it must be a YAML or JSON map of Entra display name to MAS group id`,
    );
  }
  const parsed = tableSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `"${i.path.join('.')}": ${i.message}`).join('; ');
    throw new GroupMapError(
      `GROUP_MAP_FILE ${file}: ${problems}; write lines like "Maximo Supervisors: AP_MAXIMO_SUPERVISORS"`,
    );
  }
  return parsed.data;
}
