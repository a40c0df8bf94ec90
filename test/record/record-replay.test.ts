// Record an Entra cycle through the proxy, replay the recording against a fresh MAS through a fresh
// proxy, and get the same outcomes: the done-when of issue 8.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { fullCycle, GROUP_NAME, RENAMED_GROUP, runCycle } from '../../src/simulator/entra-cycle.ts';
import { ENTRA_TOKEN, MAS_TOKEN, startProxy } from '../support/proxy.ts';
import { PROFILE, recordedFiles, recordingProxy, simulator, tempDir } from './recording.ts';

function capture(): Output & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, log: (l) => lines.push(l), error: (l) => errors.push(l) };
}

test('a recorded Entra cycle replays against a fresh MAS with the same outcome for every request', async (t) => {
  const dir = await tempDir(t);
  const first = await simulator(t);
  const recording = await recordingProxy(t, first.url, { dir });
  const { outcomes } = await runCycle(fullCycle, { url: recording.proxy.url, token: ENTRA_TOKEN, profileId: PROFILE });
  await recording.finish();
  const files = await recordedFiles(dir);
  assert.equal(files.length, fullCycle.length, 'one file per request');
  assert.deepEqual(
    files.map((file) => file.json.expect.status),
    outcomes.map((outcome) => outcome.status),
    'the files are in arrival order and hold the status Entra got',
  );

  const fresh = await simulator(t);
  const proxy = await startProxy(fresh.url);
  t.after(() => proxy.close());
  const out = capture();
  const code = await cli(['replay', dir, '--to', proxy.url], out, { REPLAY_TOKEN: ENTRA_TOKEN });
  assert.equal(code, 0, out.lines.join('\n'));
  assert.equal(out.lines.filter((line) => line.startsWith('match')).length, fullCycle.length);
  assert.match(out.lines.at(-1) ?? '', new RegExp(`${fullCycle.length} of ${fullCycle.length} files match`));

  // Same outcomes in MAS too: the replay followed the new ids instead of the recorded ones.
  const [group] = fresh.groups(PROFILE);
  assert.notEqual(group?.id, first.groups(PROFILE)[0]?.id, 'the fresh MAS gave the group another id');
  assert.ok(group?.id.startsWith(GROUP_NAME));
  assert.equal(group?.displayName, RENAMED_GROUP);
  const nameOf = new Map(fresh.users(PROFILE).map((user) => [user.id, user.userName]));
  const members = (group!.members as { value: string }[]).map((member) => nameOf.get(member.value)).sort();
  assert.deepEqual(members, ['alice@contoso.com', 'bob@contoso.com']);
  const carol = fresh.users(PROFILE).find((user) => user.userName === 'carol@contoso.com');
  assert.equal(carol?.active, false);
});

test('no recorded file holds the Secret Token or the MAS token', async (t) => {
  const dir = await tempDir(t);
  const sim = await simulator(t);
  const recording = await recordingProxy(t, sim.url, { dir });
  await runCycle(fullCycle, { url: recording.proxy.url, token: ENTRA_TOKEN, profileId: PROFILE });
  await recording.finish();
  const files = await recordedFiles(dir);
  assert.equal(files.length, fullCycle.length);
  for (const file of files) {
    assert.equal(file.text.includes(ENTRA_TOKEN), false, `${file.name} holds the Secret Token`);
    assert.equal(file.text.includes(MAS_TOKEN), false, `${file.name} holds the MAS token`);
    assert.equal(file.json.request.headers.Authorization, 'Bearer <secret-token>');
  }
});

test('replay reports the file whose status differs from the recording and exits 1', async (t) => {
  const dir = await tempDir(t);
  const first = await simulator(t);
  const recording = await recordingProxy(t, first.url, { dir });
  await runCycle(fullCycle.slice(0, 3), { url: recording.proxy.url, token: ENTRA_TOKEN, profileId: PROFILE });
  await recording.finish();

  // The same MAS again: alice exists now, so creating her is a 409 where the recording has 201.
  const proxy = await startProxy(first.url);
  t.after(() => proxy.close());
  const out = capture();
  assert.equal(await cli(['replay', dir, '--to', proxy.url], out, { REPLAY_TOKEN: ENTRA_TOKEN }), 1);
  const mismatch = out.lines.filter((line) => line.startsWith('MISMATCH'));
  assert.equal(mismatch.length, 1, out.lines.join('\n'));
  assert.match(mismatch[0] ?? '', /-POST-Users\.json {2}status 409, recorded 201$/);
  assert.match(out.lines.at(-1) ?? '', /2 of 3 files match/);
});

test('replay without a directory or a target prints its usage and exits 2', async () => {
  const out = capture();
  assert.equal(await cli(['replay', '--to', 'http://127.0.0.1:1'], out, {}), 2);
  assert.match(out.errors.join('\n'), /usage: scim-proxy replay DIR --to URL/);
});
