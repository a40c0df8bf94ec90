// RECORD_DIR: what a recorded file holds, what it never holds, and the bounds.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { cli } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { hasher } from '../../src/observe/audit-view.ts';
import { fullCycle, runCycle } from '../../src/simulator/entra-cycle.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { auth, ENTRA_TOKEN, scimJson, startProxy } from '../support/proxy.ts';
import { PROFILE, recordedFiles, recordingProxy, simulator, tempDir } from './recording.ts';

const capture = (): Output & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l), error: (l) => lines.push(l) };
};
const usersUrl = (base: string) => `${base}/scim/v2/${PROFILE}/Users`;
const groupsUrl = (base: string) => `${base}/scim/v2/${PROFILE}/Groups`;
const lookUp = (base: string) =>
  fetch(`${usersUrl(base)}?filter=${encodeURIComponent('userName eq "nobody@contoso.com"')}`, { headers: auth });

test('a refusal is recorded as blocked and a local answer with its local status, neither with a MAS part', async (t) => {
  const dir = await tempDir(t);
  const sim = await simulator(t);
  const { proxy, finish } = await recordingProxy(t, sim.url, { dir });
  const patch = (operations: unknown[]) =>
    fetch(`${groupsUrl(proxy.url)}/g1`, {
      method: 'PATCH',
      headers: scimJson,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations }),
    });
  assert.equal((await patch([{ op: 'remove', path: 'members' }])).status, 400);
  assert.equal((await patch([{ op: 'Remove', path: 'members', value: [] }])).status, 204);
  await finish();
  const [refused, answered] = (await recordedFiles(dir)).map((file) => file.json);
  assert.equal(refused?.expect.blocked, true);
  assert.equal(refused?.expect.status, 400);
  assert.equal(refused?.expect.upstream, undefined);
  assert.equal(refused?.mas, undefined);
  assert.equal(answered?.expect.local_status, 204);
  assert.equal(answered?.expect.status, 204);
  assert.equal(answered?.mas, undefined);
});

test('a request without a valid Secret Token, or with a token in its query, is not recorded', async (t) => {
  const dir = await tempDir(t);
  const sim = await simulator(t);
  const { proxy, results, finish } = await recordingProxy(t, sim.url, { dir });
  const res = await fetch(usersUrl(proxy.url), { headers: { authorization: 'Bearer guessed-token' } });
  assert.equal(res.status, 401);
  const inQuery = await fetch(`${usersUrl(proxy.url)}?access_token=query-token`, { headers: auth });
  assert.equal(inQuery.status, 400);
  await finish();
  assert.deepEqual(await recordedFiles(dir), []);
  assert.deepEqual(results, []);
});

test('no secret of the request or of MAS reaches a file: tokens, API key, JWT, passwords, token-like headers', async (t) => {
  const dir = await tempDir(t);
  const apiKey = 'mas-api-key-never-recorded';
  const sim = await startSimulator({ apiKeys: { 'key-1': apiKey }, profiles: [{ id: PROFILE, version: 1 }] });
  t.after(() => sim.close());
  const env = { MAS_TOKEN: '', MAS_API_KEY_ID: 'key-1', MAS_API_KEY: apiKey };
  const { proxy, finish } = await recordingProxy(t, sim.url, { dir }, env);
  const res = await fetch(usersUrl(proxy.url), {
    method: 'POST',
    headers: {
      ...scimJson,
      'x-api-key': 'header-key-never-recorded',
      'x-trace': 'Bearer header-bearer-never-recorded',
      cookie: 'session=cookie-never-recorded',
    },
    body: JSON.stringify({ userName: 'dave@contoso.com', password: 'password-never-recorded' }),
  });
  assert.equal(res.status, 201);
  await runCycle(fullCycle.slice(0, 4), { url: proxy.url, token: ENTRA_TOKEN, profileId: PROFILE });
  await finish();
  const files = await recordedFiles(dir);
  assert.equal(files.length, 5);
  const secrets = [ENTRA_TOKEN, apiKey, 'never-recorded', 'eyJ'];
  for (const file of files) {
    for (const secret of secrets) assert.equal(file.text.includes(secret), false, `${file.name} holds ${secret}`);
  }
  const { headers, body } = files[0]!.json.request;
  assert.equal(headers.Authorization, 'Bearer <secret-token>');
  assert.equal(headers['x-api-key'], '<secret>');
  assert.equal(headers['x-trace'], '<secret>');
  assert.equal(headers.cookie, '<secret>');
  assert.equal((body as { password: string }).password, '[redacted]');
});

test('past RECORD_MAX_FILES an exchange is skipped and counted, and the request still succeeds', async (t) => {
  const dir = await tempDir(t);
  const sim = await simulator(t);
  const { proxy, results, finish } = await recordingProxy(t, sim.url, { dir, maxFiles: 2 });
  for (let i = 0; i < 4; i++) assert.equal((await lookUp(proxy.url)).status, 200);
  await finish();
  assert.equal((await recordedFiles(dir)).length, 2);
  assert.deepEqual(results, ['written', 'written', 'skipped', 'skipped']);
});

test('RECORD_MAX_BYTES counts the files already in the directory, so a restart does not reset it', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'earlier.json'), JSON.stringify({ padding: 'x'.repeat(4990) }));
  const sim = await simulator(t);
  // Room for one more recording of about 1.2 kB, not two.
  const { proxy, results, finish } = await recordingProxy(t, sim.url, { dir, maxBytes: 7000 });
  for (let i = 0; i < 3; i++) assert.equal((await lookUp(proxy.url)).status, 200);
  await finish();
  assert.equal((await recordedFiles(dir)).length, 2, 'the earlier file and one recording');
  assert.deepEqual(results, ['written', 'skipped', 'skipped']);
});

test('a directory that cannot be written counts the recording as failed and never fails the request', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'a-file');
  await writeFile(file, '');
  const sim = await simulator(t);
  const { proxy, results, finish } = await recordingProxy(t, sim.url, { dir: path.join(file, 'records') });
  for (let i = 0; i < 2; i++) assert.equal((await lookUp(proxy.url)).status, 200);
  await finish();
  assert.deepEqual(results, ['failed', 'failed']);
});

test('with hashing on, no user name, email, name or user id is in a file, each hashed alike everywhere, and the recording still replays', async (t) => {
  const dir = await tempDir(t);
  const first = await simulator(t);
  const { proxy, finish } = await recordingProxy(t, first.url, { dir, hashPersonalData: true });
  await runCycle(fullCycle, { url: proxy.url, token: ENTRA_TOKEN, profileId: PROFILE });
  await finish();
  const files = await recordedFiles(dir);
  const userIds = first.users(PROFILE).map((user) => user.id);
  const cleartext = ['@contoso.com', 'Alicia', 'Keys', ...userIds];
  for (const file of files) {
    for (const text of cleartext) assert.equal(file.text.includes(text), false, `${file.name} holds ${text}`);
  }
  const hash = hasher(undefined);
  const alice = hash('alice@contoso.com');
  const aliceId = hash(first.users(PROFILE).find((user) => user.userName === 'alice@contoso.com')!.id);
  const lookup = files[1]!.json;
  const creation = files[2]!.json;
  assert.equal(lookup.request.query.filter, `userName eq "${alice}"`);
  assert.equal((creation.request.body as { userName: string }).userName, alice);
  assert.equal((creation.expect.upstream!.body as { userName: string }).userName, alice);
  assert.deepEqual(creation.mas?.ids, [aliceId], 'the id MAS answered is hashed as in paths and members');
  const memberAdd = files.find((file) => file.name.includes('-PATCH-Groups'))!.json;
  assert.ok(JSON.stringify(memberAdd.request.body).includes(aliceId));
  assert.equal(creation.recorded.personalData, 'hashed');

  const fresh = await simulator(t);
  const target = await startProxy(fresh.url);
  t.after(() => target.close());
  const out = capture();
  assert.equal(
    await cli(['replay', dir, '--to', target.url], out, { REPLAY_TOKEN: ENTRA_TOKEN }),
    0,
    out.lines.join('\n'),
  );
  const [group] = fresh.groups(PROFILE);
  assert.equal((group!.members as unknown[]).length, 2, 'members named by hashed ids reached the new users');
});

test('scim-proxy rewrite takes a recorded file as it is and shows the same forwarded request', async (t) => {
  const dir = await tempDir(t);
  const sim = await simulator(t);
  const { proxy, finish } = await recordingProxy(t, sim.url, { dir });
  await runCycle(fullCycle, { url: proxy.url, token: ENTRA_TOKEN, profileId: PROFILE });
  await finish();
  const removal = (await recordedFiles(dir)).find((file) =>
    file.json.recorded.rules.includes('expand-legacy-member-removal'),
  );
  assert.ok(removal, 'the legacy member removal was recorded');
  const out = capture();
  assert.equal(await cli(['rewrite', path.join(dir, removal.name)], out, {}), 0);
  const report = JSON.parse(out.lines.join('\n'));
  assert.equal(report.outcome, 'forwarded');
  assert.deepEqual(report.upstream, removal.json.expect.upstream);
  assert.deepEqual(report.rules, removal.json.recorded.rules);
  assert.equal(report.matchesExpect, true);
});
