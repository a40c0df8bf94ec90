// Two scim-proxy processes given the same Secret (client secret and signing key files) and nothing
// else: each accepts the other's access tokens. What they write (log lines, audit records,
// recordings) and what they expose (/metrics) holds no client secret and no access token.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, untilReady } from '../support/process.ts';
import { MAS_TOKEN } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';
import { basic, CLIENT_ID, CLIENT_SECRET, oauthProcessEnv, requestToken, scimGet } from './oauth-proxy.ts';

interface Replica {
  url: string;
  metricsUrl: string;
  dir: string;
  output: () => string;
  child: ChildProcess;
}

async function startReplica(env: Record<string, string>, dir: string): Promise<Replica> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  mkdirSync(join(dir, 'recordings'), { recursive: true });
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'debug',
      RECORD_DIR: join(dir, 'recordings'),
      AUDIT_FILE: join(dir, 'audit.log'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${port}`;
  await untilReady(url, child, () => output);
  return { url, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, dir, output: () => output, child };
}

async function stop(replica: Replica): Promise<void> {
  if (replica.child.exitCode !== null) return;
  replica.child.kill('SIGTERM');
  await once(replica.child, 'exit');
}

test('two replicas sharing only the Secret accept each other’s tokens, and no secret or token is written anywhere', async (t) => {
  const mas = await startUpstream();
  t.after(() => mas.close());
  const { dir, env } = oauthProcessEnv(mas.url);
  const [a, b] = [await startReplica(env, join(dir, 'a')), await startReplica(env, join(dir, 'b'))];
  t.after(async () => {
    await stop(a);
    await stop(b);
  });

  const fromA = (await (await requestToken(a.url, { grant_type: 'client_credentials' }, basic())).json()) as {
    access_token: string;
  };
  const fromB = (await (
    await requestToken(b.url, { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET })
  ).json()) as { access_token: string };
  assert.equal((await scimGet(b.url, fromA.access_token)).status, 200);
  assert.equal((await scimGet(a.url, fromB.access_token)).status, 200);
  assert.equal(mas.seen.length, 2);
  assert.ok(mas.seen.every((r) => r.headers.authorization === `Bearer ${MAS_TOKEN}`));
  // Failures too: a wrong secret, a token in the query, a tampered token.
  await requestToken(a.url, { grant_type: 'client_credentials' }, basic(CLIENT_ID, `${CLIENT_SECRET}x`));
  await fetch(`${a.url}/oauth2/token?client_secret=${CLIENT_SECRET}`, { method: 'POST' });
  await scimGet(a.url, `${fromA.access_token}x`);

  const metrics = `${await (await fetch(a.metricsUrl)).text()}${await (await fetch(b.metricsUrl)).text()}`;
  assert.match(metrics, /scim_proxy_oauth_token_requests_total\{result="issued"\} 1/);
  assert.match(metrics, /scim_proxy_inbound_auth_failures_total\{reason="signature"\} 1/);
  await stop(a);
  await stop(b);
  const written = [a, b].flatMap((r) => [
    r.output(),
    readFileSync(join(r.dir, 'audit.log'), 'utf8'),
    ...readdirSync(join(r.dir, 'recordings')).map((name) => readFileSync(join(r.dir, 'recordings', name), 'utf8')),
  ]);
  assert.ok(written.join('').includes('access token issued'), 'the issue is logged');
  assert.ok(readdirSync(join(a.dir, 'recordings')).length > 0, 'the SCIM exchanges were recorded');
  const secrets: [string, string][] = [
    ['client secret', CLIENT_SECRET],
    ['access token from A', fromA.access_token],
    ['access token from B', fromB.access_token],
    ['signature of a token', fromA.access_token.split('.')[2] as string],
  ];
  for (const [what, secretValue] of secrets) {
    assert.ok(!metrics.includes(secretValue), `${what} in /metrics`);
    for (const text of written) assert.ok(!text.includes(secretValue), `${what} written: ${text.slice(0, 300)}`);
  }
});
