// `scim-proxy doctor [--profile ID]`: checks what an administrator would check by hand before
// pointing Entra at the proxy, each with a verdict and, when it fails, the fix.
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { GroupMapError, loadGroupMap } from '../groups/group-map-file.ts';
import { accessTokens } from '../oauth/access-tokens.ts';
import { signingKeys } from '../oauth/signing-keys.ts';
import { tokenExpiry } from '../observe/token-expiry.ts';
import { loadRules, RuleLoadError, ruleDirs } from '../rules/load.ts';
import { isPlainObject } from '../scim/patch.ts';
import type { Command } from './command.ts';
import { type MasClient, masClient } from './mas-client.ts';
import type { Output } from './output.ts';

type Verdict = 'PASS' | 'WARN' | 'FAIL';
interface Check {
  verdict: Verdict;
  name: string;
  detail: string;
  fix?: string;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
// Maximo security group names are upper-case, at most 30 characters (MAXGROUP.GROUPNAME; unverified).
const MAXIMO_GROUP = /^[A-Z0-9_]{1,30}$/;

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
  const profile = asked ?? env.MAS_PROFILE;
  const checks: Check[] = [];
  let config: Readonly<Config>;
  try {
    config = loadConfig(env);
    checks.push({ verdict: 'PASS', name: 'configuration', detail: 'every variable is valid' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    checks.push({
      verdict: 'FAIL',
      name: 'configuration',
      detail: error.problems.join('; '),
      fix: 'set the variables as each problem says',
    });
    return print(checks, out);
  }
  checks.push(inboundTokenCheck(config));
  if (config.oauth.clientId) checks.push(await oauthCheck(config));
  checks.push(await rulesCheck(config));
  checks.push(await groupTableCheck(config));
  if (!config.masUrl) {
    checks.push({
      verdict: 'WARN',
      name: 'MAS',
      detail: 'MAS_URL is unset: the proxy runs in front of its built-in simulator',
      fix: 'set MAS_URL to the MAS API, e.g. https://api.inst1.apps.example.com',
    });
    return print(checks, out);
  }
  checks.push(...(await masChecks(config, config.masUrl, profile)));
  return print(checks, out);
}

function inboundTokenCheck(config: Readonly<Config>): Check {
  const oauth = config.oauth.clientId !== undefined;
  if (config.scimTokens.length === 0) {
    return oauth
      ? {
          verdict: 'PASS',
          name: 'inbound token',
          detail: 'OAuth only: Entra presents access tokens from /oauth2/token',
        }
      : {
          verdict: 'WARN',
          name: 'inbound token',
          detail: "neither SCIM_TOKEN nor OAUTH_CLIENT_ID is set: the caller's Authorization passes through to MAS",
          fix: 'set SCIM_TOKEN and give Entra that value as its Secret Token, or set up the OAuth client',
        };
  }
  const accepted = `${config.scimTokens.length} Secret Token(s) accepted from Entra`;
  return oauth
    ? {
        verdict: 'WARN',
        name: 'inbound token',
        detail: `${accepted}, and OAuth access tokens: a stolen static token stays good until it is removed`,
        fix: 'once Entra uses the OAuth option (Test Connection passes), remove SCIM_TOKEN',
      }
    : { verdict: 'PASS', name: 'inbound token', detail: accepted };
}

/** Signs and verifies a token with the configured keys, as the listener would: the keys really work. */
async function oauthCheck(config: Readonly<Config>): Promise<Check> {
  const { oauth } = config;
  const name = 'OAuth token endpoint';
  if (oauth.signingKeys.length === 0) {
    return {
      verdict: config.masUrl ? 'FAIL' : 'WARN',
      name,
      detail: "no signing key: the demo generates one per process, so replicas would refuse each other's tokens",
      fix: 'mount a PEM private key from the Secret and set OAUTH_SIGNING_KEY_FILE',
    };
  }
  const keys = await signingKeys(oauth.signingKeys);
  const tokens = accessTokens({ ...oauth, keys, lifetimeSeconds: oauth.tokenLifetimeSeconds, now: Date.now });
  const verdict = await tokens.verify((await tokens.issue(oauth.clientId as string, undefined)).token);
  if (!('clientId' in verdict)) {
    return {
      verdict: 'FAIL',
      name,
      detail: `a token signed with the first key is refused (${verdict.refusal})`,
      fix: 'replace OAUTH_SIGNING_KEY_FILE',
    };
  }
  const lifetime = oauth.tokenLifetimeSeconds;
  const detail = `client ${oauth.clientId}; ${keys.length} signing key(s), ${keys[0]?.alg} key ${keys[0]?.kid} signs; tokens live ${lifetime} s for audience ${oauth.audience}`;
  if (lifetime > 3600)
    return {
      verdict: 'WARN',
      name,
      detail,
      fix: 'a stolen access token lives that long; keep OAUTH_TOKEN_LIFETIME_SECONDS at 3600 or less',
    };
  if (lifetime < 300)
    return {
      verdict: 'WARN',
      name,
      detail,
      fix: 'Entra asks for a new token that often; use 300 s or more outside a demo',
    };
  return { verdict: 'PASS', name, detail };
}

async function rulesCheck(config: Readonly<Config>): Promise<Check> {
  try {
    const rules = await loadRules(ruleDirs(config.rulesDir));
    return { verdict: 'PASS', name: 'rules', detail: `${rules.length} rules valid, every example holds` };
  } catch (error) {
    if (!(error instanceof RuleLoadError)) throw error;
    return {
      verdict: 'FAIL',
      name: 'rules',
      detail: error.problems.join('; '),
      fix: 'run scim-proxy rules check for details',
    };
  }
}

async function groupTableCheck(config: Readonly<Config>): Promise<Check> {
  if (!config.groupMapFile)
    return { verdict: 'PASS', name: 'group table', detail: `none; derivation: ${config.groupNameDerivation}` };
  try {
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
  } catch (error) {
    if (!(error instanceof GroupMapError)) throw error;
    return { verdict: 'FAIL', name: 'group table', detail: error.message, fix: 'fix GROUP_MAP_FILE' };
  }
}

async function masChecks(config: Readonly<Config>, masUrl: URL, profile: string | undefined): Promise<Check[]> {
  const checks: Check[] = [];
  const mas = masClient(config, masUrl);
  try {
    // Without credentials: reaching MAS and being let in are two different problems.
    const res = await fetch(new URL('/scim/v2/ServiceProviderConfig', masUrl), {
      signal: AbortSignal.timeout(config.upstreamTimeoutMs),
    });
    await res.body?.cancel();
    checks.push({ verdict: 'PASS', name: 'MAS reachable', detail: `${masUrl.origin} answered HTTP ${res.status}` });
  } catch (error) {
    checks.push({
      verdict: 'FAIL',
      name: 'MAS reachable',
      detail: `${masUrl.origin}: ${(error as Error).message}`,
      fix: "check MAS_URL, DNS, the NetworkPolicy and NODE_EXTRA_CA_CERTS for MAS's CA",
    });
    return checks;
  }
  checks.push(await tokenCheck(config, mas));
  if (!profile) {
    checks.push({
      verdict: 'WARN',
      name: 'profile',
      detail: 'no profile named',
      fix: 'run doctor --profile <profileId> (the id in the Tenant URL)',
    });
    return checks;
  }
  const answer = await mas.call('GET', `/scim/v2/Profiles/${encodeURIComponent(profile)}`);
  if (answer.status !== 200 || !isPlainObject(answer.body)) {
    checks.push({
      verdict: 'FAIL',
      name: 'profile',
      detail: `MAS answered ${answer.status} for profile "${profile}"`,
      fix: 'create it with scim-proxy profiles apply FILE, or give the API key systemAdmin and userAdmin',
    });
    return checks;
  }
  const runtime = answer.body.runtimeConfigs;
  checks.push(
    isPlainObject(runtime) && runtime.useGroupDisplayNameAsGroupId === true
      ? { verdict: 'PASS', name: 'profile', detail: `"${profile}" exists and uses group display names as group ids` }
      : {
          verdict: 'FAIL',
          name: 'profile',
          detail: `"${profile}" lacks runtimeConfigs.useGroupDisplayNameAsGroupId: Maximo would get new groups with random suffixes`,
          fix: 'set it to true in a profile file and run scim-proxy profiles apply FILE',
        },
  );
  return checks;
}

async function tokenCheck(config: Readonly<Config>, mas: MasClient): Promise<Check> {
  if (!config.masApiKey && !config.masToken) {
    return {
      verdict: 'WARN',
      name: 'MAS token',
      detail: "no MAS credentials: the caller's token is passed through",
      fix: 'set MAS_API_KEY_ID and MAS_API_KEY',
    };
  }
  let header: string | undefined;
  try {
    header = await mas.credentials.authorization();
  } catch (error) {
    return {
      verdict: 'FAIL',
      name: 'MAS token',
      detail: (error as Error).message,
      fix: 'check MAS_API_KEY_ID and MAS_API_KEY',
    };
  }
  const expires = tokenExpiry(header?.replace(/^Bearer /, '') ?? '');
  const source = config.masApiKey ? 'API key → JWT works' : 'static MAS_TOKEN';
  if (!expires) return { verdict: 'PASS', name: 'MAS token', detail: `${source}; the token has no expiry` };
  const left = expires.getTime() - Date.now();
  const when = `expires ${expires.toISOString()}`;
  if (config.masApiKey)
    return { verdict: 'PASS', name: 'MAS token', detail: `${source}; ${when}, renewed automatically` };
  if (left < 0)
    return {
      verdict: 'FAIL',
      name: 'MAS token',
      detail: `${source} ${when}: already expired`,
      fix: 'use MAS_API_KEY_ID/MAS_API_KEY so the proxy renews it',
    };
  return left < WEEK_MS
    ? {
        verdict: 'WARN',
        name: 'MAS token',
        detail: `${source} ${when}, within 7 days`,
        fix: 'use MAS_API_KEY_ID/MAS_API_KEY so the proxy renews it',
      }
    : { verdict: 'PASS', name: 'MAS token', detail: `${source}; ${when}` };
}

function print(checks: readonly Check[], out: Output): number {
  for (const check of checks) {
    out.log(`${check.verdict}  ${check.name}: ${check.detail}`);
    if (check.fix && check.verdict !== 'PASS') out.log(`      fix: ${check.fix}`);
  }
  return checks.some((c) => c.verdict === 'FAIL') ? 1 : 0;
}
