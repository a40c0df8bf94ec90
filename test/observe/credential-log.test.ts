// Credential exchanges and their failures are log lines (the key id, never the key or the token),
// where the runbook tells the operator to look.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/observe/logger.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { auth, startProxy } from '../support/proxy.ts';

const KEY_ID = 'a-inst1-logtest';
const KEY = 'log-test-key-token';

async function setup(t: test.TestContext, env: Record<string, string>) {
  const sim = await startSimulator({ apiKeys: { [KEY_ID]: KEY } });
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => {
    text += d;
  });
  const proxy = await startProxy(sim.url, env, [], { logger: createLogger({ level: 'info', stream }) });
  t.after(async () => {
    await proxy.close();
    await sim.close();
  });
  const lines = () =>
    text
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { proxy, lines, text: () => text };
}

test('a refused API key is a warning line with the key id, the status and the fix; the key never appears', async (t) => {
  const { proxy, lines, text } = await setup(t, { MAS_TOKEN: '', MAS_API_KEY_ID: KEY_ID, MAS_API_KEY: 'wrong-key' });
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(res.status, 502);
  const failure = lines().find((l) => l.message === 'MAS token exchange failed');
  assert.ok(failure, text());
  assert.equal(failure.level, 'warn');
  assert.equal(failure.keyId, KEY_ID);
  assert.equal(failure.status, 401);
  assert.equal(failure.error, 'mas_auth_failed');
  assert.match(String(failure.detail), /check MAS_API_KEY_ID and MAS_API_KEY/);
  assert.ok(!text().includes('wrong-key'));
});

test('a successful exchange is an info line saying when the token expires, without the token', async (t) => {
  const { proxy, lines, text } = await setup(t, { MAS_TOKEN: '', MAS_API_KEY_ID: KEY_ID, MAS_API_KEY: KEY });
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  await res.arrayBuffer();
  const success = lines().find((l) => l.message === 'MAS token obtained with the API key');
  assert.ok(success, text());
  assert.equal(success.keyId, KEY_ID);
  assert.match(String(success.expiresAt), /^\d{4}-\d\d-\d\dT/);
  assert.ok(!text().includes(KEY));
  assert.doesNotMatch(text(), /eyJ[\w-]+\.[\w-]+\./, 'no JWT in the log');
});

test("MAS refusing a static MAS_TOKEN is a warning line, not only Entra's 502", async (t) => {
  const { proxy, lines } = await setup(t, { MAS_TOKEN: 'not-accepted-by-mas' });
  const res = await fetch(`${proxy.url}/scim/v2/p1/Users/u1`, { headers: auth });
  assert.equal(res.status, 502);
  const line = lines().find((l) => l.message === "MAS refused the proxy's credentials");
  assert.ok(line);
  assert.match(String(line.detail), /a static token is never renewed/);
});
