// scim-proxy with Entra's OAuth option on, in front of a recording MAS stand-in: its signing keys in
// a Secret-like directory, its clock in the test's hand, every log and audit line kept.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { TestContext } from 'node:test';
import { Registry } from 'prom-client';
import { createAuditLog } from '../../src/observe/audit.ts';
import { createLogger } from '../../src/observe/logger.ts';
import { createMetrics } from '../../src/observe/metrics.ts';
import { MAS_TOKEN, startProxy } from '../support/proxy.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

export const CLIENT_ID = 'entra-provisioning';
export const CLIENT_SECRET = 'c1e4a7b0d3f6c9e2a5b8d1f4c7e0a3b6d9f2c5e8a1b4d7f0c3e6a9b2d5f8c1e4';

export const newKey = (): KeyObject => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
export const pem = (...keys: KeyObject[]) => keys.map((k) => k.export({ type: 'pkcs8', format: 'pem' })).join('');

/** A directory standing in for the mounted Secret, with the signing keys file written in it. */
export function secretDir(keys: readonly KeyObject[]): { dir: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'scim-proxy-oauth-'));
  const keyFile = join(dir, 'oauth-signing-keys.pem');
  writeFileSync(keyFile, pem(...keys));
  return { dir, keyFile };
}

/**
 * A scim-proxy process's environment with OAuth on, in front of `masUrl`: what the Deployment sets
 * from the mounted Secret (the client secret and a signing key, written in `dir`).
 */
export function oauthProcessEnv(masUrl: string): { dir: string; env: Record<string, string> } {
  const { dir, keyFile } = secretDir([newKey()]);
  writeFileSync(join(dir, 'oauth-client-secret'), `${CLIENT_SECRET}\n`);
  return {
    dir,
    env: {
      MAS_URL: masUrl,
      MAS_TOKEN,
      OAUTH_CLIENT_ID: CLIENT_ID,
      OAUTH_CLIENT_SECRET_FILE: join(dir, 'oauth-client-secret'),
      OAUTH_SIGNING_KEY_FILE: keyFile,
    },
  };
}

export interface OAuthProxy {
  url: string;
  mas: Upstream;
  registry: Registry;
  clock: { ms: number };
  lines(): string[];
  token(init?: { scope?: string }): Promise<string>;
}

export async function startOAuthProxy(
  t: TestContext,
  { keys = [newKey()], env = {} }: { keys?: readonly KeyObject[]; env?: Record<string, string> } = {},
): Promise<OAuthProxy> {
  const mas = await startUpstream();
  const { keyFile } = secretDir(keys);
  const written: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => written.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const registry = new Registry();
  const clock = { ms: Date.UTC(2026, 11, 1, 9) };
  const proxy = await startProxy(
    mas.url,
    {
      OAUTH_CLIENT_ID: CLIENT_ID,
      OAUTH_CLIENT_SECRET: CLIENT_SECRET,
      OAUTH_SIGNING_KEY_FILE: keyFile,
      ...env,
    },
    [createAuditLog({ stream: sink, hashPersonalData: false })],
    {
      metrics: createMetrics(registry, { version: 'test' }),
      logger: createLogger({ level: 'debug', stream: sink }),
      now: () => clock.ms,
    },
  );
  t.after(async () => {
    await proxy.close();
    await mas.close();
  });
  return {
    url: proxy.url,
    mas,
    registry,
    clock,
    lines: () => [...written],
    token: async ({ scope } = {}) => {
      const res = await requestToken(proxy.url, { grant_type: 'client_credentials', ...(scope && { scope }) }, basic());
      const body = (await res.json()) as { access_token?: string };
      if (!body.access_token) throw new Error(`no token: ${res.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
  };
}

export const basic = (id = CLIENT_ID, secret = CLIENT_SECRET) => ({
  authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
});

export function requestToken(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

export async function scimGet(url: string, token: string): Promise<Response> {
  return fetch(`${url}/scim/v2/p1/Users?filter=${encodeURIComponent('userName eq "ada"')}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

/** The value of one labelled series, 0 when absent. */
export async function counter(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}
