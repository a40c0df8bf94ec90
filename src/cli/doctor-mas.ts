// doctor's checks against MAS, in the order an answer depends on the one before: the address is
// MAS's API, MAS takes the credentials, then per profile: it exists, it keeps group names, and the
// credentials may administer its users. Each failure names the real cause, told apart by what MAS
// answered, and its fix.
import type { Config } from '../config.ts';
import { tokenExpiry } from '../observe/token-expiry.ts';
import { isPlainObject } from '../scim/patch.ts';
import type { Check } from './check.ts';
import { type MasAnswer, type MasClient, masSays } from './mas-client.ts';

const WEEK_MS = 7 * 24 * 3600 * 1000;
const API_ADDRESS =
  "MAS's API address: https://api.<instance>.<domain> (or in the cluster https://coreapi.mas-<instance>-core.svc)";
const NOT_A_JWT =
  'it is not a JWT (MAS tokens have three dot-separated parts): an API key pasted there? Put the key id and key in MAS_API_KEY_ID and MAS_API_KEY and remove MAS_TOKEN';

/** Whether MAS_URL is MAS's API at all: its token endpoint answers JSON, not a web page or a 404. */
export async function addressCheck(mas: MasClient, masUrl: URL): Promise<Check> {
  const name = 'MAS address';
  const answer = await mas.anonymous('GET', '/v1/authenticate');
  if (answer.contentType === 'text/html' || answer.status === 404)
    return {
      verdict: 'FAIL',
      name,
      detail: `${masUrl.origin} is not MAS's API: /v1/authenticate answered HTTP ${answer.status} with ${masSays(answer)}`,
      fix: `set MAS_URL to ${API_ADDRESS}`,
    };
  if (answer.status >= 500)
    return {
      verdict: 'FAIL',
      name,
      detail: `${masUrl.origin} answered HTTP ${answer.status} (${masSays(answer)}): MAS is failing or starting`,
      fix: "check MAS's coreapi pods and logs, then run doctor again",
    };
  return {
    verdict: 'PASS',
    name,
    detail: `${masUrl.origin} answers as MAS's API (HTTP ${answer.status} without credentials)`,
  };
}

/** The proxy's own credentials: the API key exchange works, or the static token is a JWT with time left. */
export async function credentialsCheck(config: Readonly<Config>, mas: MasClient): Promise<Check> {
  const name = 'MAS credentials';
  if (!config.masApiKey && !config.masToken)
    return {
      verdict: 'WARN',
      name,
      detail: "none: the caller's own Authorization is passed to MAS",
      fix: 'set MAS_API_KEY_ID and MAS_API_KEY (an API key with user administration rights)',
    };
  if (config.masApiKey) {
    const header = await mas.credentials.authorization();
    const expires = tokenExpiry(header?.replace(/^Bearer /, '') ?? '');
    const when = expires ? `the JWT expires ${expires.toISOString()}, renewed automatically` : 'the JWT never expires';
    return { verdict: 'PASS', name, detail: `API key ${config.masApiKeyId} → JWT works; ${when}` };
  }
  const expires = tokenExpiry(config.masToken ?? '');
  const renew = 'set MAS_API_KEY_ID and MAS_API_KEY instead: the proxy then gets and renews its tokens itself';
  if (config.masToken?.split('.').length !== 3)
    return { verdict: 'WARN', name, detail: `static MAS_TOKEN: ${NOT_A_JWT}`, fix: renew };
  if (!expires) return { verdict: 'PASS', name, detail: 'static MAS_TOKEN, a JWT without expiry' };
  const left = expires.getTime() - Date.now();
  const when = `static MAS_TOKEN expires ${expires.toISOString()}`;
  if (left <= 0) return { verdict: 'FAIL', name, detail: `${when}: already expired`, fix: renew };
  if (left < WEEK_MS)
    return {
      verdict: 'WARN',
      name,
      detail: `${when}, in ${Math.ceil(left / 3_600_000)} hours; nothing renews it`,
      fix: renew,
    };
  return { verdict: 'PASS', name, detail: when };
}

/** A 401 or 403 from MAS on an authenticated call, said for what it is. */
function refused(config: Readonly<Config>, answer: MasAnswer, what: string, rights: string): Check | undefined {
  if (answer.status === 401) {
    const which = config.masApiKey
      ? `MAS refused the JWT from API key ${config.masApiKeyId}`
      : config.masToken
        ? `MAS refused MAS_TOKEN${config.masToken.split('.').length !== 3 ? `: ${NOT_A_JWT}` : ''}`
        : 'MAS wants credentials and doctor has none';
    return {
      verdict: 'FAIL',
      name: what,
      detail: `${which} (HTTP 401: ${masSays(answer)})`,
      fix:
        config.masApiKey || config.masToken
          ? 'check the key (or token) in MAS, Suite administration, API keys'
          : 'set MAS_API_KEY_ID and MAS_API_KEY',
    };
  }
  if (answer.status === 403)
    return {
      verdict: 'FAIL',
      name: what,
      detail: `MAS says the credentials may not do this (HTTP 403: ${masSays(answer)})`,
      fix: `give the API key ${rights} (Suite administration, API keys, edit permissions)`,
    };
  return undefined;
}

/** The profile exists and makes MAS keep group display names as group ids. */
export async function profileCheck(config: Readonly<Config>, mas: MasClient, profile: string): Promise<Check> {
  const name = `profile ${profile}`;
  const answer = await mas.call('GET', `/scim/v2/Profiles/${encodeURIComponent(profile)}`);
  const denied = refused(config, answer, name, 'systemAdmin and userAdmin (MAS needs both to read profiles)');
  if (denied) return denied;
  if (answer.status === 404 && answer.contentType !== 'text/html')
    return {
      verdict: 'FAIL',
      name,
      detail: `MAS has no profile "${profile}": users created under it get no workspace, application or entitlement`,
      fix: `create it: scim-proxy profiles apply FILE (see examples/mas-profile.yaml), or fix the id in Entra's Tenant URL and MAS_PROFILES`,
    };
  if (answer.status !== 200 || !isPlainObject(answer.body))
    return {
      verdict: 'FAIL',
      name,
      detail: `MAS answered HTTP ${answer.status}: ${masSays(answer)}`,
      fix: `check MAS_URL is ${API_ADDRESS}`,
    };
  const runtime = answer.body.runtimeConfigs;
  return isPlainObject(runtime) && runtime.useGroupDisplayNameAsGroupId === true
    ? { verdict: 'PASS', name, detail: 'exists and uses group display names as group ids' }
    : {
        verdict: 'FAIL',
        name,
        detail:
          'lacks runtimeConfigs.useGroupDisplayNameAsGroupId: true, so MAS gives new groups random suffixes (AP_MAXIMO_SUPERVISORS_cbpxyc) and Maximo creates new security groups',
        fix: 'add it to the profile file and run scim-proxy profiles apply FILE',
      };
}

/** What Entra's Test Connection does: read users under the profile with the proxy's credentials. */
export async function userAdminCheck(config: Readonly<Config>, mas: MasClient, profile: string): Promise<Check> {
  const name = `user administration in ${profile}`;
  const filter = encodeURIComponent('userName eq "scim-proxy-doctor"');
  const answer = await mas.call('GET', `/scim/v2/${encodeURIComponent(profile)}/Users?filter=${filter}`);
  const denied = refused(config, answer, name, 'userAdmin');
  if (denied) return denied;
  if (answer.status !== 200)
    return {
      verdict: 'FAIL',
      name,
      detail: `MAS answered HTTP ${answer.status}: ${masSays(answer)}`,
      fix: `check MAS_URL is ${API_ADDRESS}`,
    };
  return {
    verdict: 'PASS',
    name,
    detail: "MAS lets the proxy's credentials read users (what Entra's Test Connection does)",
  };
}
