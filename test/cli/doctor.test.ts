// doctor never crashes and names the real cause: each situation an administrator meets before going
// live, with what doctor says about it.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cli } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { STACK_TRACE, scimProxy } from '../support/process.ts';
import { selfSignedCertificate } from '../support/tls.ts';

const KEY_ID = 'a-inst1-doctortest';
const KEY = 'doctor-key-token';

function capture(): Output & { text: () => string } {
  const lines: string[] = [];
  return { log: (l) => lines.push(l), error: (l) => lines.push(l), text: () => lines.join('\n') };
}

async function simulator(t: test.TestContext, staticTokens: string[] = []) {
  const sim = await startSimulator({
    apiKeys: { [KEY_ID]: KEY },
    staticTokens,
    profiles: [
      { id: 'p1', version: 3, runtimeConfigs: { useGroupDisplayNameAsGroupId: true } },
      { id: 'nogroupnames', version: 1, runtimeConfigs: {} },
    ],
  });
  t.after(() => sim.close());
  return { sim, env: { MAS_URL: sim.url, SCIM_TOKEN: 'entra-token', MAS_API_KEY_ID: KEY_ID, MAS_API_KEY: KEY } };
}

/** A server that answers every path with `status` and `body` (a web page unless said otherwise). */
async function server(t: test.TestContext, respond: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const srv = http.createServer(respond);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => srv.close(() => resolve())));
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

const webPage = (status: number) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><html><body>Welcome to OpenShift</body></html>');
};

/** A JWT-shaped token with this `exp` (the simulator accepts it verbatim as a static token). */
const jwtExpiringIn = (seconds: number) =>
  [
    { alg: 'none', typ: 'JWT' },
    { sub: 'static', exp: Math.floor(Date.now() / 1000) + seconds },
  ]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .concat('sig')
    .join('.');

test('a refused API key with --profile is a FAIL naming the key, exit 1, no stack trace (child process)', async (t) => {
  const { env } = await simulator(t);
  const run = await scimProxy(['doctor', '--profile', 'p1'], { ...env, MAS_API_KEY: 'wrong-key' });
  assert.equal(run.code, 1);
  assert.doesNotMatch(run.stdout + run.stderr, STACK_TRACE);
  assert.match(run.stdout, /PASS {2}MAS address: .* answers as MAS's API/);
  assert.match(run.stdout, /FAIL {2}MAS credentials: MAS refused the API key at \/v1\/authenticate \(HTTP 401\)/);
  assert.match(run.stdout, /fix: check MAS_API_KEY_ID and MAS_API_KEY/);
  assert.ok(!run.stdout.includes('wrong-key'), 'the key is never printed');
});

test('MAS_URL pointing at a web page is a wrong address, not a refused key (child process)', async (t) => {
  for (const status of [200, 404]) {
    const url = await server(t, webPage(status));
    const run = await scimProxy(['doctor', '--profile', 'p1'], {
      MAS_URL: url,
      SCIM_TOKEN: 'entra',
      MAS_API_KEY_ID: KEY_ID,
      MAS_API_KEY: KEY,
    });
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stdout + run.stderr, STACK_TRACE);
    assert.match(
      run.stdout,
      new RegExp(
        `FAIL {2}MAS address: ${url} is not MAS's API: /v1/authenticate answered HTTP ${status} with a web page`,
      ),
    );
    assert.match(run.stdout, /fix: set MAS_URL to MAS's API address: https:\/\/api\.<instance>\.<domain>/);
    assert.doesNotMatch(run.stdout, /refused the API key/);
  }
});

test('a missing profile is named as missing, with how to create it', async (t) => {
  const { env } = await simulator(t);
  const out = capture();
  assert.equal(await cli(['doctor', '--profile', 'WrongProfile'], out, env), 1);
  assert.match(
    out.text(),
    /FAIL {2}profile WrongProfile: MAS has no profile "WrongProfile": users created under it get no workspace/,
  );
  assert.match(out.text(), /fix: create it: scim-proxy profiles apply FILE \(see examples\/mas-profile\.yaml\)/);
});

test('a profile without useGroupDisplayNameAsGroupId fails with the suffix MAS would add', async (t) => {
  const { env } = await simulator(t);
  const out = capture();
  assert.equal(await cli(['doctor', '--profile', 'nogroupnames'], out, env), 1);
  assert.match(
    out.text(),
    /FAIL {2}profile nogroupnames: lacks runtimeConfigs\.useGroupDisplayNameAsGroupId: true.*_cbpxyc/,
  );
});

test('the profiles of MAS_PROFILES are checked when --profile is not given, and a sound setup passes', async (t) => {
  const { env } = await simulator(t);
  const out = capture();
  assert.equal(await cli(['doctor'], out, { ...env, MAS_PROFILES: 'p1' }), 0, out.text());
  assert.match(out.text(), /PASS {2}MAS credentials: API key a-inst1-doctortest → JWT works; the JWT expires \d{4}-/);
  assert.match(out.text(), /PASS {2}profile p1: exists and uses group display names as group ids/);
  assert.match(out.text(), /PASS {2}user administration in p1: MAS lets the proxy's credentials read users/);
  assert.match(out.text(), /doctor: no FAIL/);
});

test('a static MAS_TOKEN that is not a JWT is called out, and MAS refusing it says why', async (t) => {
  const { sim } = await simulator(t);
  const out = capture();
  const env = { MAS_URL: sim.url, SCIM_TOKEN: 'entra', MAS_TOKEN: KEY };
  assert.equal(await cli(['doctor', '--profile', 'p1'], out, env), 1);
  assert.match(out.text(), /WARN {2}MAS credentials: static MAS_TOKEN: it is not a JWT .*an API key pasted there\?/);
  assert.match(out.text(), /FAIL {2}profile p1: MAS refused MAS_TOKEN: it is not a JWT.*\(HTTP 401/);
  assert.doesNotMatch(out.text(), /has no expiry/);
});

test('a static JWT that expires within a week is a warning; an expired one fails', async (t) => {
  const soon = jwtExpiringIn(2 * 24 * 3600);
  const { sim } = await simulator(t, [soon]);
  const out = capture();
  assert.equal(
    await cli(['doctor', '--profile', 'p1'], out, { MAS_URL: sim.url, SCIM_TOKEN: 'e', MAS_TOKEN: soon }),
    0,
  );
  assert.match(out.text(), /WARN {2}MAS credentials: static MAS_TOKEN expires .*, in 4[78] hours; nothing renews it/);
  const expired = capture();
  assert.equal(await cli(['doctor'], expired, { MAS_URL: sim.url, SCIM_TOKEN: 'e', MAS_TOKEN: jwtExpiringIn(-60) }), 1);
  assert.match(expired.text(), /FAIL {2}MAS credentials: static MAS_TOKEN expires .*: already expired/);
});

test('credentials without user administration rights: MAS says 403 and doctor says which right to give', async (t) => {
  const token = jwtExpiringIn(30 * 24 * 3600);
  const url = await server(t, (req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/v1/authenticate') return json(401, { exception: { message: 'Authentication token is empty' } });
    if (req.url?.startsWith('/scim/v2/Profiles/p1'))
      return json(200, { id: 'p1', runtimeConfigs: { useGroupDisplayNameAsGroupId: true } });
    json(403, { exception: { message: 'AIUCO1003E: Authenticated user is not permitted to make the request' } });
  });
  const out = capture();
  assert.equal(await cli(['doctor', '--profile', 'p1'], out, { MAS_URL: url, SCIM_TOKEN: 'e', MAS_TOKEN: token }), 1);
  assert.match(
    out.text(),
    /FAIL {2}user administration in p1: MAS says the credentials may not do this \(HTTP 403: AIUCO1003E.*\)\n {6}fix: give the API key userAdmin/,
  );
});

test('without MAS credentials a 401 is said to be missing credentials, not a missing profile', async (t) => {
  const { sim } = await simulator(t);
  const out = capture();
  assert.equal(await cli(['doctor', '--profile', 'p1'], out, { MAS_URL: sim.url }), 1);
  assert.match(out.text(), /WARN {2}MAS credentials: none/);
  assert.match(out.text(), /FAIL {2}profile p1: MAS wants credentials and doctor has none \(HTTP 401/);
  assert.doesNotMatch(out.text(), /profiles apply/);
});

test('nothing listening and an untrusted TLS certificate are told apart, each with its fix', async (t) => {
  const refused = capture();
  const env = { SCIM_TOKEN: 'e', MAS_API_KEY_ID: KEY_ID, MAS_API_KEY: KEY };
  const closed = await server(t, webPage(200));
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(await cli(['doctor'], refused, { ...env, MAS_URL: 'http://127.0.0.1:9' }), 1);
  assert.match(refused.text(), /FAIL {2}MAS: MAS at http:\/\/127\.0\.0\.1:9 could not be reached/);
  assert.ok(closed);

  const dir = await mkdtemp(path.join(tmpdir(), 'doctor-tls-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  let cert: string;
  let key: string;
  try {
    ({ cert, key } = selfSignedCertificate(dir, 'localhost'));
  } catch {
    return t.skip('openssl not found');
  }
  const tls = https.createServer({ cert: await readFile(cert), key: await readFile(key) }, webPage(200));
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => tls.close(() => resolve())));
  const untrusted = capture();
  const port = (tls.address() as AddressInfo).port;
  assert.equal(await cli(['doctor'], untrusted, { ...env, MAS_URL: `https://localhost:${port}` }), 1);
  assert.match(
    untrusted.text(),
    /DEPTH_ZERO_SELF_SIGNED_CERT\): MAS's TLS certificate is not trusted; mount MAS's CA .*NODE_EXTRA_CA_CERTS/,
  );
});
