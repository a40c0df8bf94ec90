// `scim-proxy doctor [--profile ID]`: checks what an administrator would check by hand before
// pointing Entra at the proxy, each with a verdict and, when it is not a PASS, the fix. It never ends
// in a stack trace: whatever goes wrong is the verdict of the check it happened in.
import { type Config, ConfigError } from '../config.ts';
import { checkConfiguration } from '../config-check.ts';
import { loadGroupMap } from '../groups/group-map-file.ts';
import { ScimError } from '../scim/error.ts';
import { type Check, printChecks } from './check.ts';
import type { Command } from './command.ts';
import { inboundTokenCheck, oauthCheck } from './doctor-inbound.ts';
import { addressCheck, credentialsCheck, profileCheck, userAdminCheck } from './doctor-mas.ts';
import { masClient } from './mas-client.ts';
import type { Output } from './output.ts';

// Maximo security group names are upper-case, at most 30 characters (MAXGROUP.GROUPNAME; unverified).
const MAXIMO_GROUP = /^[A-Z0-9_]{1,30}$/;
const API_ADDRESS = 'https://api.<instance>.<domain>';

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check configuration, rules, group table, MAS, its credentials and the profile',
  usage: `usage: scim-proxy doctor [--profile ID]

Checks what an administrator would check by hand before pointing Entra at the proxy, with the
proxy's own environment: the configuration, the rules and group table, that MAS_URL is MAS, that
MAS takes the credentials, and that the profile exists and uses group display names as group ids.
Each check ends PASS, WARN or FAIL with the fix. Exit 1 on any FAIL.

  --profile ID   the MAS profile to check (the id in Entra's Tenant URL); default MAS_PROFILES`,
  options: { profile: { type: 'string' } },
  positionals: [0, 0],
  run: ({ values }, out, env) => doctor(typeof values.profile === 'string' ? values.profile : undefined, out, env),
};

async function doctor(asked: string | undefined, out: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const checks: Check[] = [];
  let config: Readonly<Config>;
  try {
    const checked = await checkConfiguration(env);
    config = checked.config;
    checks.push({
      verdict: 'PASS',
      name: 'configuration',
      detail: `every variable and file is valid; ${checked.rules} rules, every example holds`,
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    checks.push({
      verdict: 'FAIL',
      name: 'configuration',
      detail: `${error.problems.length} problem(s):\n${error.problems.map((p) => `        - ${p}`).join('\n')}`,
      fix: 'correct each variable as its line says (scim-proxy config check shows the same list)',
    });
    return printChecks(checks, out);
  }
  checks.push(inboundTokenCheck(config));
  if (config.oauth.clientId) checks.push(await oauthCheck(config));
  checks.push(await groupTableCheck(config));
  if (!config.masUrl) {
    checks.push({
      verdict: 'WARN',
      name: 'MAS',
      detail: 'MAS_URL is unset: the proxy runs in front of its built-in simulator',
      fix: `set MAS_URL to the MAS API, e.g. ${API_ADDRESS}`,
    });
    return printChecks(checks, out);
  }
  const mas = masClient(config, config.masUrl);
  const masUrl = config.masUrl;
  for (const step of [() => addressCheck(mas, masUrl), () => credentialsCheck(config, mas)]) {
    const check = await attempt('MAS', step);
    checks.push(check);
    if (check.verdict === 'FAIL') return printChecks(checks, out);
  }
  const profiles = asked ? [asked] : config.servedProfiles;
  if (profiles.length === 0)
    checks.push({
      verdict: 'WARN',
      name: 'profile',
      detail: 'no profile named, so none was checked',
      fix: 'set MAS_PROFILES to the profile id(s) of the Tenant URL, or run doctor --profile <profileId>',
    });
  for (const profile of profiles) {
    checks.push(await attempt(`profile ${profile}`, () => profileCheck(config, mas, profile)));
    checks.push(await attempt(`user administration in ${profile}`, () => userAdminCheck(config, mas, profile)));
  }
  return printChecks(checks, out);
}

/** A check that could not finish is a FAIL saying why, never an uncaught error. */
async function attempt(name: string, check: () => Promise<Check>): Promise<Check> {
  try {
    return await check();
  } catch (error) {
    if (!(error instanceof ScimError)) {
      return { verdict: 'FAIL', name, detail: `doctor could not finish this check: ${(error as Error).message}` };
    }
    return {
      verdict: 'FAIL',
      name: error.code.startsWith('mas_auth') ? 'MAS credentials' : name,
      detail: error.message,
      fix: FIXES[error.code] ?? 'as the message says',
    };
  }
}

const FIXES: Record<string, string> = {
  mas_auth_failed:
    'check MAS_API_KEY_ID and MAS_API_KEY against the key in MAS (Suite administration, API keys); it must be active',
  mas_auth_not_mas: `set MAS_URL to MAS's API address, ${API_ADDRESS}`,
  mas_auth_error: 'MAS is failing: check its coreapi pods and logs, then run doctor again',
  mas_auth_unreachable: 'fix MAS_URL or the network as the message says',
  mas_unreachable: 'fix MAS_URL or the network as the message says',
};

async function groupTableCheck(config: Readonly<Config>): Promise<Check> {
  if (!config.groupMapFile)
    return { verdict: 'PASS', name: 'group table', detail: `none; derivation: ${config.groupNameDerivation}` };
  const table = await loadGroupMap(config.groupMapFile);
  const odd = Object.entries(table).filter(([, id]) => !MAXIMO_GROUP.test(id));
  if (odd.length === 0)
    return {
      verdict: 'PASS',
      name: 'group table',
      detail: `${Object.keys(table).length} entries, all valid Maximo group names`,
    };
  return {
    verdict: 'WARN',
    name: 'group table',
    detail: `not like Maximo group names (A-Z, 0-9, _; at most 30): ${odd.map(([n, id]) => `${n} → ${id}`).join(', ')}`,
    fix: 'use the exact Maximo security group names (e.g. AP_MAXIMO_SUPERVISORS)',
  };
}
