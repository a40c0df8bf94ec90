// `scim-proxy profiles get ID` and `profiles apply FILE`. MAS applies a profile change only when its
// `version` increases, and profiles are managed only by API: `apply` shows the difference and raises
// `version` past MAS's so the change takes effect.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { loadConfig } from '../config.ts';
import { diff } from '../observe/json-patch.ts';
import { isPlainObject } from '../scim/patch.ts';
import type { Command } from './command.ts';
import { USAGE_ERROR } from './command.ts';
import { type MasClient, masClient } from './mas-client.ts';
import type { Output } from './output.ts';

const profilePath = (id: string) => `/scim/v2/Profiles/${encodeURIComponent(id)}`;
// MAS keeps its own audit stamps in `meta`, and `version` is the proxy's to raise: neither is content.
const content = (profile: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(profile).filter(([k]) => k !== 'meta' && k !== 'version'));

export const profilesGetCommand: Command = {
  name: 'profiles get',
  summary: 'show a MAS SCIM profile',
  usage: `usage: scim-proxy profiles get ID

Prints the MAS SCIM profile ID as MAS holds it (GET /scim/v2/Profiles/ID), with the proxy's MAS_URL
and credentials (MAS_API_KEY_ID/MAS_API_KEY or MAS_TOKEN).`,
  positionals: [1, 1],
  async run({ positionals }, out, env) {
    const mas = masFor(env, out);
    return mas ? get(mas, positionals[0] as string, out) : USAGE_ERROR;
  },
};

export const profilesApplyCommand: Command = {
  name: 'profiles apply',
  summary: "show the difference to a profile file, confirm, raise version past MAS's and apply",
  usage: `usage: scim-proxy profiles apply FILE [--dry-run] [--yes]

Compares the profile in FILE (YAML or JSON, one profile with its "id") with the one MAS holds, shows
the difference, and applies it with a version above MAS's (MAS ignores a change whose version does not
increase). FILE replaces the whole profile: what it leaves out is removed.

  --dry-run   show the difference only
  --yes, -y   apply without asking (scripts)`,
  options: { 'dry-run': { type: 'boolean' }, yes: { type: 'boolean', short: 'y' } },
  positionals: [1, 1],
  async run({ positionals, values }, out, env) {
    const mas = masFor(env, out);
    return mas ? apply(mas, positionals[0] as string, values['dry-run'] === true, out) : USAGE_ERROR;
  },
};

function masFor(env: NodeJS.ProcessEnv, out: Output): MasClient | undefined {
  const config = loadConfig(env);
  if (!config.masUrl) {
    out.error(
      'profiles: set MAS_URL (and MAS_API_KEY_ID/MAS_API_KEY or MAS_TOKEN) to the MAS whose profiles to manage',
    );
    return undefined;
  }
  return masClient(config, config.masUrl);
}

async function get(mas: MasClient, id: string, out: Output): Promise<number> {
  const answer = await mas.call('GET', profilePath(id));
  if (answer.status !== 200) {
    out.error(
      `profiles: MAS answered ${answer.status} for profile "${id}": ${JSON.stringify(answer.body).slice(0, 300)}`,
    );
    return 1;
  }
  out.log(JSON.stringify(answer.body, null, 2));
  return 0;
}

async function apply(mas: MasClient, file: string, dryRun: boolean, out: Output): Promise<number> {
  const desired: unknown = parse(await readFile(file, 'utf8'));
  if (!isPlainObject(desired) || typeof desired.id !== 'string') {
    out.error(`profiles: ${file} must hold one profile object with an "id"`);
    return 2;
  }
  const current = await mas.call('GET', profilePath(desired.id));
  if (current.status === 404) {
    out.log(`profile "${desired.id}" does not exist on MAS: it will be created`);
    if (dryRun) return 0;
    const created = await mas.call('POST', '/scim/v2/Profiles', { version: 1, ...desired });
    return report(created.status === 201 || created.status === 200, `created profile "${desired.id}"`, created, out);
  }
  if (current.status !== 200 || !isPlainObject(current.body)) {
    out.error(
      `profiles: MAS answered ${current.status} for profile "${desired.id}"; check the API key's rights (systemAdmin, userAdmin)`,
    );
    return 1;
  }
  const currentVersion = typeof current.body.version === 'number' ? current.body.version : 0;
  const next = { ...content(desired), version: Math.max(currentVersion + 1, Number(desired.version) || 0) };
  const changes = diff(content(current.body), content(desired));
  if (changes.length === 0) {
    out.log(`profile "${desired.id}" already matches ${file}; nothing to apply`);
    return 0;
  }
  out.log(`changes to profile "${desired.id}" (version ${currentVersion} → ${next.version}):`);
  for (const change of changes) out.log(`  ${JSON.stringify(change)}`);
  if (dryRun) return 0;
  const put = await mas.call('PUT', profilePath(desired.id), next);
  const check = await mas.call('GET', profilePath(desired.id));
  const applied = isPlainObject(check.body) && check.body.version === next.version;
  return report(put.status < 300 && applied, `applied: MAS now holds version ${next.version}`, put, out);
}

function report(ok: boolean, message: string, answer: { status: number; body: unknown }, out: Output): number {
  if (ok) out.log(message);
  else
    out.error(
      `profiles: MAS did not take the change (HTTP ${answer.status}): ${JSON.stringify(answer.body).slice(0, 300)}`,
    );
  return ok ? 0 : 1;
}
