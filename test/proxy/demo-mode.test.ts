// `npm start` with no MAS_URL: the proxy in front of its built-in simulator, ready for Entra.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

test('without MAS_URL the proxy starts the simulator and prints a Tenant URL, Secret Token and OAuth client that work', async (t) => {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), METRICS_PORT: String(metricsPort) };
  delete env.MAS_URL;
  delete env.SCIM_TOKEN;
  const child = spawn(process.execPath, ['src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGTERM'));
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const deadline = Date.now() + 60_000; // a loaded machine can take long to start a process
  while (!/Secret Token: (\S+)/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const token = /Secret Token: (\S+)/.exec(stderr)?.[1];
  assert.ok(token, `no Secret Token in: ${stderr}`);
  assert.match(stderr, new RegExp(`Tenant URL: +http://<this host>:${port}/scim/v2/demo`));
  const probe = await fetch(
    `http://127.0.0.1:${port}/scim/v2/demo/Users?filter=${encodeURIComponent('userName eq "x"')}`,
    {
      headers: { authorization: `Bearer ${token}` },
    },
  );
  assert.equal(probe.status, 200);
  assert.equal((await fetch(`http://127.0.0.1:${port}/scim/v2/demo/Users`)).status, 401);
  // Entra's OAuth option works out of the box too: the printed client buys a token that opens /scim/v2.
  assert.match(stderr, new RegExp(`Token endpoint: +http://<this host>:${port}/oauth2/token`));
  const clientId = /Client ID: +(\S+)/.exec(stderr)?.[1] ?? '';
  const clientSecret = /Client secret: +(\S+)/.exec(stderr)?.[1] ?? '';
  const grant = await fetch(`http://127.0.0.1:${port}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token } = (await grant.json()) as { access_token: string };
  const withAccessToken = await fetch(`http://127.0.0.1:${port}/scim/v2/demo/Users`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  assert.equal(withAccessToken.status, 200);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, 'SIGTERM drains and exits cleanly');
});

test('without MAS_URL a configuration error is listed and the process exits 1', async () => {
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: { ...process.env, MAS_TOKEN: 'x', SCIM_TOKEN: '', PORT: 'not-a-port' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.match(stderr, /PORT="not-a-port" is not a whole number/);
  assert.match(stderr, /SCIM_TOKEN/);
});
