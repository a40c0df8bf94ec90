// doctor's checks of how Entra authenticates to the proxy: the Secret Token(s) and, when set up, the
// OAuth client whose keys must really sign and verify.
import type { Config } from '../config.ts';
import { accessTokens } from '../oauth/access-tokens.ts';
import { signingKeys } from '../oauth/signing-keys.ts';
import type { Check } from './check.ts';

export function inboundTokenCheck(config: Readonly<Config>): Check {
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
export async function oauthCheck(config: Readonly<Config>): Promise<Check> {
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
  const tokens = await accessTokens({ ...oauth, keys, lifetimeSeconds: oauth.tokenLifetimeSeconds, now: Date.now });
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
