// With no MAS_URL, scim-proxy runs in front of the built-in MAS simulator so a newcomer can point
// Entra (or curl) at it and watch it work. Everything it needs is generated here.
import { randomBytes } from 'node:crypto';
import type { Config } from './config.ts';
import { startSimulator } from './simulator/index.ts';
import { type Credentials, staticToken } from './upstream/credentials.ts';

export const DEMO_PROFILE = 'demo';

export interface DemoUpstream {
  url: URL;
  credentials: Credentials;
  /** The configuration with a generated Entra token when none was set. */
  config: Readonly<Config>;
  banner(port: number): string;
  close(): Promise<void>;
}

export async function startDemoUpstream(config: Readonly<Config>): Promise<DemoUpstream> {
  const masToken = randomBytes(24).toString('base64url');
  const generated = config.scimTokens.length === 0 ? randomBytes(24).toString('base64url') : undefined;
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
    config: generated ? Object.freeze({ ...config, scimTokens: [generated] }) : config,
    banner: (port) =>
      [
        '',
        'scim-proxy is running in demo mode, in front of its built-in MAS simulator (MAS_URL is not set).',
        `  Tenant URL:   http://<this host>:${port}/scim/v2/${DEMO_PROFILE}`,
        `  Secret Token: ${generated ?? '(the value of SCIM_TOKEN)'}`,
        'To front a real MAS, set MAS_URL, SCIM_TOKEN and MAS_API_KEY_ID with MAS_API_KEY (or MAS_TOKEN); see the README.',
        '',
      ].join('\n'),
    close: () => simulator.close(),
  };
}
