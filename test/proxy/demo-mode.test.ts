// `npm start` with no MAS_URL: the proxy in front of its built-in simulator, ready for Entra.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { scimProxy } from '../support/process.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Starts `npm start`'s process without MAS_URL and waits for its banner. */
async function startDemo(t: test.TestContext, extra: Record<string, string> = {}) {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
    ...extra,
  };
  const child = spawn(process.execPath, ['src/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGTERM'));
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.stdout.resume();
  // A loaded machine (the whole suite in parallel) can take tens of seconds to start a process.
  const deadline = Date.now() + 60_000;
  while (!/To front a real MAS/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.match(stderr, /To front a real MAS/, `no banner in: ${stderr}`);
  return { child, port, banner: stderr };
}

/** The variables of the banner's `export A=b C=d` line, as a shell would set them. */
function exported(banner: string): Record<string, string> {
  const line = /^ {2}export (.+)$/m.exec(banner)?.[1] ?? assert.fail(`no export line in: ${banner}`);
  return Object.fromEntries(line.split(' ').map((pair) => pair.split('=', 2) as [string, string]));
}

test('without MAS_URL the proxy starts the simulator and prints a Tenant URL, Secret Token, curl line and OAuth client that work as printed', async (t) => {
  const { child, port, banner } = await startDemo(t);
  const token = /Secret Token: +(\S+)/.exec(banner)?.[1];
  assert.ok(token, `no Secret Token in: ${banner}`);
  assert.match(banner, new RegExp(`Tenant URL: +http://localhost:${port}/scim/v2/demo$`, 'm'));
  // The curl line, as printed: its URL and header work.
  const curl = /Try it: +curl -H '([^']+)' '([^']+)'/.exec(banner) ?? assert.fail(`no curl line in: ${banner}`);
  const [name, value] = (curl[1] as string).split(': ') as [string, string];
  const probe = await fetch(curl[2] as string, { headers: { [name]: value } });
  assert.equal(probe.status, 200);
  assert.equal((await fetch(`http://localhost:${port}/scim/v2/demo/Users`)).status, 401);
  const wrong = await fetch(`http://localhost:${port}/scim/v2/WrongProfile/Users`, { headers: { [name]: value } });
  assert.equal(wrong.status, 404, 'the demo serves its one profile, as MAS_PROFILES would');
  // Entra's OAuth option works out of the box too: the printed client buys a token that opens /scim/v2.
  assert.match(banner, new RegExp(`Token endpoint: +http://localhost:${port}/oauth2/token`));
  const clientId = /Client ID: +(\S+)/.exec(banner)?.[1] ?? '';
  const clientSecret = /Client secret: +(\S+)/.exec(banner)?.[1] ?? '';
  const grant = await fetch(`http://localhost:${port}/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token } = (await grant.json()) as { access_token: string };
  const withAccessToken = await fetch(`http://localhost:${port}/scim/v2/demo/Users`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  assert.equal(withAccessToken.status, 200);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, 'SIGTERM drains and exits cleanly');
});

test('the banner gives the simulator as a MAS: doctor and profiles run against it with the printed variables', async (t) => {
  const { banner } = await startDemo(t);
  const env = exported(banner);
  assert.match(env.MAS_URL ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(env.MAS_API_KEY_ID, 'a-demo-rehearsal');
  const doctor = await scimProxy(['doctor'], env);
  assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
  assert.match(doctor.stdout, /PASS {2}MAS credentials: API key a-demo-rehearsal → JWT works/);
  assert.match(doctor.stdout, /PASS {2}profile demo: exists and uses group display names as group ids/);
  const get = await scimProxy(['profiles', 'get', 'demo'], env);
  assert.equal(get.code, 0, get.stderr);
  assert.equal(JSON.parse(get.stdout).id, 'demo');
});

test('scripts can fix the Secret Token, the simulator port and its API key', async (t) => {
  const masPort = await freePort();
  const { banner } = await startDemo(t, {
    SCIM_TOKEN: 'rehearsal-token',
    DEMO_MAS_PORT: String(masPort),
    DEMO_MAS_API_KEY: 'rehearsal-key',
  });
  assert.match(banner, /Secret Token: +rehearsal-token$/m);
  assert.deepEqual(
    { url: exported(banner).MAS_URL, key: exported(banner).MAS_API_KEY },
    { url: `http://127.0.0.1:${masPort}`, key: 'rehearsal-key' },
  );
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
