// With no MAS_URL, scim-proxy runs in front of the built-in MAS simulator so a newcomer can point
// Entra (or curl) at it and watch it work, and rehearse with the simulator what they will do with MAS:
// doctor, profiles and replay get its URL and an API key for it. Everything it needs is generated
// here, or fixed by DEMO_MAS_PORT, DEMO_MAS_API_KEY and SCIM_TOKEN for scripts.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Config, OAuthConfig } from './config.ts';
import { TOKEN_PATH } from './oauth/token-endpoint.ts';
import { startSimulator } from './simulator/index.ts';
import { type Credentials, staticToken } from './upstream/credentials.ts';

export const DEMO_PROFILE = 'demo';
/** The simulator's API key id, shaped like MAS's (`a-<instance>-<letters>`). */
export const DEMO_API_KEY_ID = 'a-demo-rehearsal';

export interface DemoUpstream {
  url: URL;
  credentials: Credentials;
  /** The configuration with a generated Entra token, OAuth client and signing key where none was set. */
  config: Readonly<Config>;
  banner(port: number): string;
  close(): Promise<void>;
}

export async function startDemoUpstream(config: Readonly<Config>): Promise<DemoUpstream> {
  const masToken = randomBytes(24).toString('base64url');
  const apiKey = config.demo.masApiKey ?? randomBytes(24).toString('base64url');
  const generated = config.scimTokens.length === 0 ? randomBytes(24).toString('base64url') : undefined;
  const scimToken = generated ?? (config.scimTokens[0] as string);
  const oauth = demoOAuth(config.oauth);
  const simulator = await startSimulator({
    port: config.demo.masPort,
    staticTokens: [masToken],
    apiKeys: { [DEMO_API_KEY_ID]: apiKey },
    profiles: [{ id: DEMO_PROFILE, version: 1, runtimeConfigs: { useGroupDisplayNameAsGroupId: true } }],
  });
  // The demo serves its one profile unless told otherwise, so a wrong Tenant URL shows what it would in production.
  const servedProfiles = config.servedProfiles.length > 0 ? config.servedProfiles : [DEMO_PROFILE];
  return {
    url: new URL(simulator.url),
    credentials: staticToken(masToken),
    config: Object.freeze({
      ...config,
      scimTokens: [scimToken, ...config.scimTokens.slice(1)],
      servedProfiles,
      oauth: oauth.config,
    }),
    banner: (port) => {
      const proxy = `http://localhost:${port}`;
      const filter = encodeURIComponent('userName eq "alice@example.com"');
      return [
        '',
        'scim-proxy is running in demo mode, in front of its built-in MAS simulator (MAS_URL is not set).',
        '',
        'Entra (or curl) talks to the proxy:',
        `  Tenant URL:     ${proxy}/scim/v2/${servedProfiles[0]}`,
        `  Secret Token:   ${scimToken}`,
        `  Try it:         curl -H 'Authorization: Bearer ${scimToken}' '${proxy}/scim/v2/${servedProfiles[0]}/Users?filter=${filter}'`,
        "Or, with Entra's OAuth client-credentials option:",
        `  Token endpoint: ${proxy}${TOKEN_PATH}`,
        `  Client ID:      ${oauth.config.clientId}`,
        `  Client secret:  ${oauth.generatedSecret ?? '(the value of OAUTH_CLIENT_SECRET)'}`,
        `  Access tokens live ${oauth.config.tokenLifetimeSeconds} s (OAUTH_TOKEN_LIFETIME_SECONDS).`,
        '',
        'The simulator stands in for MAS. Rehearse against it what you will run against MAS, in another terminal:',
        `  export MAS_URL=${simulator.url} MAS_API_KEY_ID=${DEMO_API_KEY_ID} MAS_API_KEY=${apiKey} SCIM_TOKEN=${scimToken} MAS_PROFILES=${servedProfiles.join(',')}`,
        '  npx scim-proxy doctor',
        `  npx scim-proxy profiles get ${DEMO_PROFILE}`,
        '  npx scim-proxy profiles apply examples/mas-profile.yaml',
        `  REPLAY_TOKEN=${scimToken} npx scim-proxy replay ./records --to ${proxy}    (records: start the demo with RECORD_DIR=./records)`,
        '',
        'To front a real MAS, set MAS_URL, SCIM_TOKEN and MAS_API_KEY_ID with MAS_API_KEY (or MAS_TOKEN); see the README.',
        '',
      ].join('\n');
    },
    close: () => simulator.close(),
  };
}

/** A client and a signing key for trying the OAuth option, kept where the environment already set them. */
function demoOAuth(oauth: OAuthConfig): { config: OAuthConfig; generatedSecret?: string } {
  const generatedSecret = oauth.clientId ? undefined : randomBytes(32).toString('hex');
  const signingKeys =
    oauth.signingKeys.length > 0 ? oauth.signingKeys : [generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey];
  return {
    config: Object.freeze({
      ...oauth,
      clientId: oauth.clientId ?? 'scim-proxy-demo',
      clientSecrets: generatedSecret ? [generatedSecret] : oauth.clientSecrets,
      signingKeys,
    }),
    ...(generatedSecret && { generatedSecret }),
  };
}
