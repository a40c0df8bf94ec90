// doctor and profiles against the MAS simulator, configured as an administrator would.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cli } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { startSimulator } from '../../src/simulator/index.ts';

const KEY_ID = 'a-inst1-doctortest';
const KEY = 'doctor-key-token';

function capture(): Output & { text: () => string } {
  const lines: string[] = [];
  return { log: (l) => lines.push(l), error: (l) => lines.push(l), text: () => lines.join('\n') };
}

async function setup(t: test.TestContext, useDisplayName: boolean) {
  const sim = await startSimulator({
    apiKeys: { [KEY_ID]: KEY },
    profiles: [{ id: 'p1', version: 3, runtimeConfigs: { useGroupDisplayNameAsGroupId: useDisplayName } }],
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'doctor-'));
  t.after(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  const env = { MAS_URL: sim.url, SCIM_TOKEN: 'entra-token', MAS_API_KEY_ID: KEY_ID, MAS_API_KEY: KEY };
  return { sim, dir, env };
}

test('doctor passes a sound setup and says when the MAS token expires', async (t) => {
  const { env } = await setup(t, true);
  const out = capture();
  assert.equal(await cli(['doctor', '--profile', 'p1'], out, env), 0);
  assert.match(out.text(), /PASS {2}MAS address/);
  assert.match(out.text(), /PASS {2}MAS credentials: API key a-inst1-doctortest → JWT works; the JWT expires \d{4}-/);
  assert.match(out.text(), /PASS {2}profile p1: exists and uses group display names/);
  assert.ok(!out.text().includes(KEY));
});

test('doctor fails a profile without useGroupDisplayNameAsGroupId and says how to fix it', async (t) => {
  const { env } = await setup(t, false);
  const out = capture();
  assert.equal(await cli(['doctor', '--profile', 'p1'], out, env), 1);
  assert.match(out.text(), /FAIL {2}profile p1: .*random suffixes.*\n {6}fix: .*profiles apply/);
});

test('doctor fails a wrong API key and an unreachable MAS', async (t) => {
  const { env } = await setup(t, true);
  const wrongKey = capture();
  assert.equal(await cli(['doctor'], wrongKey, { ...env, MAS_API_KEY: 'nope' }), 1);
  assert.match(wrongKey.text(), /FAIL {2}MAS credentials: MAS refused the API key/);
  const unreachable = capture();
  assert.equal(await cli(['doctor'], unreachable, { ...env, MAS_URL: 'http://127.0.0.1:1' }), 1);
  assert.match(unreachable.text(), /FAIL {2}MAS: /);
});

test('doctor warns about group table entries that are not Maximo group names', async (t) => {
  const { env, dir } = await setup(t, true);
  const table = path.join(dir, 'groups.yaml');
  await writeFile(table, 'Supervisors: AP_MAXIMO_SUPERVISORS\nPlanners: planners group\n');
  const out = capture();
  await cli(['doctor'], out, { ...env, GROUP_MAP_FILE: table });
  assert.match(out.text(), /FAIL {2}configuration: 1 problem\(s\):\n.*"Planners": a MAS group id has no spaces/);
});

test('profiles apply shows the difference, raises version past MAS and the change takes effect', async (t) => {
  const { sim, dir, env } = await setup(t, false);
  const file = path.join(dir, 'p1.yaml');
  await writeFile(file, 'id: p1\nversion: 1\nruntimeConfigs:\n  useGroupDisplayNameAsGroupId: true\n');
  const out = capture();
  assert.equal(await cli(['profiles', 'apply', file, '--yes'], out, env), 0);
  assert.match(out.text(), /version 3 → 4/);
  assert.match(out.text(), /~ \/runtimeConfigs\/useGroupDisplayNameAsGroupId: false → true/);
  assert.equal(sim.profile('p1')?.version, 4);
  assert.equal(sim.profile('p1')?.runtimeConfigs?.useGroupDisplayNameAsGroupId, true);
  const again = capture();
  assert.equal(await cli(['profiles', 'apply', file], again, env), 0);
  assert.match(again.text(), /already matches/);
});

test('profiles apply --dry-run changes nothing; profiles get prints the profile', async (t) => {
  const { sim, dir, env } = await setup(t, false);
  const file = path.join(dir, 'p1.json');
  await writeFile(file, JSON.stringify({ id: 'p1', runtimeConfigs: { useGroupDisplayNameAsGroupId: true } }));
  assert.equal(await cli(['profiles', 'apply', file, '--dry-run'], capture(), env), 0);
  assert.equal(sim.profile('p1')?.version, 3);
  const out = capture();
  assert.equal(await cli(['profiles', 'get', 'p1'], out, env), 0);
  assert.equal(JSON.parse(out.text()).id, 'p1');
});
