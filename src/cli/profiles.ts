// `scim-proxy profiles get ID` and `profiles apply FILE`. MAS applies a profile change only when its
// `version` increases, and profiles are managed only by API: `apply` shows the difference and raises
// `version` past MAS's so the change takes effect.
import { readFile } from 'node:fs/promises';
import { parse, YAMLError } from 'yaml';
import { loadConfig } from '../config.ts';
import { diff, type PatchOperation } from '../observe/json-patch.ts';
import { isPlainObject, type PlainObject } from '../scim/patch.ts';
import type { Command } from './command.ts';
import { USAGE_ERROR } from './command.ts';
import { type MasAnswer, type MasClient, masClient, masSays } from './mas-client.ts';
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
    return mas
      ? apply(mas, positionals[0] as string, { dryRun: values['dry-run'] === true, yes: values.yes === true }, out)
      : USAGE_ERROR;
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
    out.error(`profiles: ${refusal(answer, id)}`);
    return 1;
  }
  out.log(JSON.stringify(answer.body, null, 2));
  return 0;
}

/** Why MAS did not show a profile, in the administrator's terms. */
function refusal(answer: MasAnswer, id: string): string {
  if (answer.status === 404 && answer.contentType !== 'text/html')
    return `MAS has no profile "${id}"; create it with scim-proxy profiles apply FILE (see examples/mas-profile.yaml)`;
  if (answer.status === 401)
    return `MAS refused the credentials (HTTP 401: ${masSays(answer)}); check MAS_API_KEY_ID and MAS_API_KEY (run scim-proxy doctor)`;
  if (answer.status === 403)
    return `MAS says the API key may not manage profiles (HTTP 403: ${masSays(answer)}); give it systemAdmin and userAdmin`;
  return `MAS answered HTTP ${answer.status} for profile "${id}" (${masSays(answer)}); check that MAS_URL is MAS's API address (run scim-proxy doctor)`;
}

/** The profile in FILE, or a one-line reason with the position of the mistake. */
async function readProfile(file: string): Promise<PlainObject | string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return `cannot read ${file} (${(error as NodeJS.ErrnoException).code})`;
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    const at = error instanceof YAMLError ? error.linePos?.[0] : undefined;
    const where = at ? ` line ${at.line}, column ${at.col}` : '';
    return `${file}${where}: not valid YAML or JSON (${(error as Error).message.split('\n')[0]})`;
  }
  if (!isPlainObject(parsed) || typeof parsed.id !== 'string' || parsed.id === '')
    return `${file} must hold one profile: a mapping with its "id" (see examples/mas-profile.yaml)`;
  return parsed;
}

async function apply(
  mas: MasClient,
  file: string,
  flags: { dryRun: boolean; yes: boolean },
  out: Output,
): Promise<number> {
  const desired = await readProfile(file);
  if (typeof desired === 'string') {
    out.error(`profiles: ${desired}`);
    return USAGE_ERROR;
  }
  const id = desired.id as string;
  const current = await mas.call('GET', profilePath(id));
  if (current.status === 404 && current.contentType !== 'text/html') {
    out.log(`profile "${id}" does not exist on MAS; ${file} would create it:`);
    out.log(indent(JSON.stringify(content(desired), null, 2)));
    for (const warning of warnings({}, desired)) out.log(warning);
    if (flags.dryRun) return dryRun(out);
    if (!(await confirm(`Create profile "${id}" on MAS?`, flags.yes, out))) return 1;
    const created = await mas.call('POST', '/scim/v2/Profiles', { version: 1, ...desired });
    return report(created.status === 201 || created.status === 200, `created profile "${id}"`, created, out);
  }
  if (current.status !== 200 || !isPlainObject(current.body)) {
    out.error(`profiles: ${refusal(current, id)}`);
    return 1;
  }
  const currentVersion = typeof current.body.version === 'number' ? current.body.version : 0;
  const next = { ...content(desired), version: Math.max(currentVersion + 1, Number(desired.version) || 0) };
  const changes = diff(content(current.body), content(desired));
  if (changes.length === 0) {
    out.log(`profile "${id}" already matches ${file}; nothing to apply`);
    return 0;
  }
  out.log(`${file} replaces the whole profile "${id}" (version ${currentVersion} → ${next.version}); the changes:`);
  for (const change of changes) out.log(`  ${describeChange(change, current.body)}`);
  for (const warning of warnings(current.body, desired)) out.log(warning);
  if (flags.dryRun) return dryRun(out);
  if (!(await confirm(`Apply these changes to profile "${id}" on MAS?`, flags.yes, out))) return 1;
  const put = await mas.call('PUT', profilePath(id), next);
  const check = await mas.call('GET', profilePath(id));
  const applied = isPlainObject(check.body) && check.body.version === next.version;
  return report(put.status < 300 && applied, `applied: MAS now holds version ${next.version}`, put, out);
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

/** One change as a person reads it: + added, - removed (with what was there), ~ changed from → to. */
function describeChange(change: PatchOperation, before: PlainObject): string {
  const show = (value: unknown) => JSON.stringify(value);
  if (change.op === 'add') return `+ ${change.path}: ${show(change.value)}`;
  const old = valueAt(before, change.path);
  if (change.op === 'remove') return `- ${change.path} (was ${show(old)})`;
  return `~ ${change.path}: ${show(old)} → ${show(change.value)}`;
}

function valueAt(document: unknown, pointer: string): unknown {
  let node = document;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    node = Array.isArray(node) ? node[Number(key)] : isPlainObject(node) ? node[key] : undefined;
  }
  return node;
}

/** What would quietly hurt provisioning: losing group display names as ids, or a workspace. */
function warnings(current: PlainObject, desired: PlainObject): string[] {
  const flag = (profile: PlainObject) =>
    isPlainObject(profile.runtimeConfigs) && profile.runtimeConfigs.useGroupDisplayNameAsGroupId === true;
  const found: string[] = [];
  if (!flag(desired))
    found.push(
      flag(current)
        ? 'WARNING: this REMOVES runtimeConfigs.useGroupDisplayNameAsGroupId: MAS will give every new group a random suffix (AP_MAXIMO_SUPERVISORS_cbpxyc) and Maximo will create new security groups. Add "runtimeConfigs: {useGroupDisplayNameAsGroupId: true}" to the file to keep it.'
        : 'WARNING: the profile will not have runtimeConfigs.useGroupDisplayNameAsGroupId: true; MAS gives new groups random suffixes (AP_MAXIMO_SUPERVISORS_cbpxyc).',
    );
  const workspaces = (profile: PlainObject) =>
    Array.isArray(profile.workspaces)
      ? profile.workspaces.map((w) => (isPlainObject(w) ? String(w.id) : String(w)))
      : [];
  const kept = new Set(workspaces(desired));
  for (const workspace of workspaces(current).filter((w) => !kept.has(w)))
    found.push(`WARNING: this REMOVES workspace "${workspace}": users provisioned from now on are no longer given it.`);
  return found;
}

function dryRun(out: Output): number {
  out.log('dry run: nothing applied');
  return 0;
}

/** --yes applies; otherwise the administrator answers, and only a yes applies. */
async function confirm(question: string, yes: boolean, out: Output): Promise<boolean> {
  if (yes) return true;
  const answer = out.ask ? await out.ask(`${question} [y/N] `) : undefined;
  if (answer !== undefined && /^y(es)?$/i.test(answer.trim())) return true;
  out.error(
    answer === undefined
      ? 'profiles: nothing applied: no answer to confirm with (run it in a terminal, or add --yes to apply without asking)'
      : 'profiles: nothing applied',
  );
  return false;
}

function report(ok: boolean, message: string, answer: MasAnswer, out: Output): number {
  if (ok) out.log(message);
  else out.error(`profiles: MAS did not take the change (HTTP ${answer.status}): ${masSays(answer)}`);
  return ok ? 0 : 1;
}
