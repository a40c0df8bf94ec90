// The demo of docs/oauth.md runs as printed: the first terminal's block starts `npm start`, the second
// terminal's curl sequence buys a token, uses it, and sees it refused once its lifetime has passed.
// Only the port differs, so the test collides with nothing on 8080.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { freePort, untilReady } from '../support/process.ts';

function documentedBlock(name: string): string {
  const doc = readFileSync('docs/oauth.md', 'utf8');
  const block = new RegExp(`<!-- oauth-doc-test: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(doc)?.[1];
  assert.ok(block, `docs/oauth.md has the ${name} block`);
  return block;
}

test('the demo of docs/oauth.md gets a token, uses it, and sees it refused after expiry, as printed', {
  timeout: 180_000,
}, async (t) => {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), METRICS_PORT: String(metricsPort) };
  t.after(() => rmSync('demo-client-secret', { force: true }));
  const server = spawn('bash', ['-e', '-c', documentedBlock('server')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  t.after(() => {
    try {
      process.kill(-(server.pid as number), 'SIGTERM');
    } catch {}
  });
  let banner = '';
  server.stderr.on('data', (d) => {
    banner += d;
  });
  server.stdout.resume();
  await untilReady(`http://127.0.0.1:${port}`, server, () => banner);

  const script = documentedBlock('client').replaceAll('localhost:8080', `localhost:${port}`);
  assert.ok(!script.includes('8080'), 'every URL of the block was moved to the free port');
  const client = spawn('bash', ['-e', '-c', script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  client.stdout.on('data', (d) => {
    stdout += d;
  });
  client.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = await once(client, 'exit');
  assert.equal(code, 0, `the sequence failed:\n${stdout}\n${stderr}`);
  assert.match(stdout, /"token_type":"Bearer","expires_in":10/);
  assert.match(stdout, /"totalResults":0/);
  assert.match(stdout, /"status":"401".*The access token expired at/s);
  assert.match(banner, /Client ID: +entra-provisioning/, 'the banner names the client from the environment');
  assert.match(banner, /Client secret: +\(the value of OAUTH_CLIENT_SECRET\)/, 'and does not print the secret');
});
