// With no MAS_URL, scim-proxy runs in front of the built-in MAS simulator so a newcomer can point
// Entra (or curl) at it and watch it work. Everything it needs is generated here.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Config, OAuthConfig } from './config.ts';
import { TOKEN_PATH } from './oauth/token-endpoint.ts';
import { startSimulator } from './simulator/index.ts';
import { type Credentials, staticToken } from './upstream/credentials.ts';

export const DEMO_PROFILE = 'demo';

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
  const generated = config.scimTokens.length === 0 ? randomBytes(24).toString('base64url') : undefined;
  const oauth = demoOAuth(config.oauth);
  const simulator = await startSimulator({
    staticTokens: [masToken],
    profiles: [
      {
        id: DEMO_PROFILE,
        version: 1,
        runtimeConfigs: { useGroupDisplayNameAsGroupId: true },
      },
    ],
  });
  return {
    url: new URL(simulator.url),
    credentials: staticToken(masToken),
    config: Object.freeze({ ...config, scimTokens: generated ? [generated] : config.scimTokens, oauth: oauth.config }),
    banner: (port) =>
      [
        '',
        'scim-proxy is running in demo mode, in front of its built-in MAS simulator (MAS_URL is not set).',
        `  Tenant URL:   http://<this host>:${port}/scim/v2/${DEMO_PROFILE}`,
        `  Secret Token: ${generated ?? '(the value of SCIM_TOKEN)'}`,
        "Or, with Entra's OAuth client-credentials option:",
        `  Token endpoint: http://<this host>:${port}${TOKEN_PATH}`,
        `  Client ID:      ${oauth.config.clientId}`,
        `  Client secret:  ${oauth.generatedSecret ?? '(the value of OAUTH_CLIENT_SECRET)'}`,
        `  Access tokens live ${oauth.config.tokenLifetimeSeconds} s (OAUTH_TOKEN_LIFETIME_SECONDS).`,
        'To front a real MAS, set MAS_URL, SCIM_TOKEN and MAS_API_KEY_ID with MAS_API_KEY (or MAS_TOKEN); see the README.',
        '',
      ].join('\n'),
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
