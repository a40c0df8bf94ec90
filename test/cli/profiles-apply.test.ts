// profiles apply is safe by default: it shows the difference, warns loudly when a change removes
// useGroupDisplayNameAsGroupId or a workspace, asks before applying unless --yes, and reports a
// broken file in one line with the position.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cli } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { STACK_TRACE, scimProxy } from '../support/process.ts';

const KEY_ID = 'a-inst1-applytest';
const KEY = 'apply-key-token';

/** Output that answers `answer` to a question, or nobody at all (a script without input). */
function capture(answer?: string): Output & { text: () => string; asked: string[] } {
  const lines: string[] = [];
  const asked: string[] = [];
  return {
    asked,
    log: (l) => lines.push(l),
    error: (l) => lines.push(l),
    ask: async (question) => {
      asked.push(question);
      return answer;
    },
    text: () => lines.join('\n'),
  };
}

async function setup(t: test.TestContext) {
  const sim = await startSimulator({
    apiKeys: { [KEY_ID]: KEY },
    profiles: [
      {
        id: 'p1',
        version: 3,
        workspaces: [
          { id: 'prod', applications: ['manage'] },
          { id: 'test', applications: ['manage'] },
        ],
        runtimeConfigs: { useGroupDisplayNameAsGroupId: true },
      },
    ],
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'apply-'));
  t.after(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });
  const env = { MAS_URL: sim.url, SCIM_TOKEN: 'entra-token', MAS_API_KEY_ID: KEY_ID, MAS_API_KEY: KEY };
  const file = async (name: string, text: string) => {
    const at = path.join(dir, name);
    await writeFile(at, text);
    return at;
  };
  return { sim, env, file };
}

const PARTIAL =
  'id: p1\nworkspaces:\n  - id: prod\n    applications: [manage]\nruntimeConfigs:\n  someOtherSetting: true\n';

test('a file that drops useGroupDisplayNameAsGroupId and a workspace shows it, warns loudly, and applies nothing unanswered', async (t) => {
  const { sim, env, file } = await setup(t);
  const out = capture(undefined);
  assert.equal(await cli(['profiles', 'apply', await file('partial.yaml', PARTIAL)], out, env), 1);
  const text = out.text();
  assert.match(text, /replaces the whole profile "p1" \(version 3 → 4\); the changes:/);
  assert.match(text, /- \/runtimeConfigs\/useGroupDisplayNameAsGroupId \(was true\)/);
  assert.match(text, /\+ \/runtimeConfigs\/someOtherSetting: true/);
  assert.match(
    text,
    /WARNING: this REMOVES runtimeConfigs\.useGroupDisplayNameAsGroupId: MAS will give every new group a random suffix/,
  );
  assert.match(text, /WARNING: this REMOVES workspace "test"/);
  assert.deepEqual(out.asked, ['Apply these changes to profile "p1" on MAS? [y/N] ']);
  assert.match(text, /nothing applied: no answer to confirm with .*add --yes/);
  assert.equal(sim.profile('p1')?.version, 3);
  assert.equal(sim.profile('p1')?.runtimeConfigs?.useGroupDisplayNameAsGroupId, true);
});

test('answering anything but yes applies nothing; yes applies and MAS holds the new version', async (t) => {
  const { sim, env, file } = await setup(t);
  const partial = await file('partial.yaml', PARTIAL);
  assert.equal(await cli(['profiles', 'apply', partial], capture('n'), env), 1);
  assert.equal(sim.profile('p1')?.version, 3);
  const yes = capture('y');
  assert.equal(await cli(['profiles', 'apply', partial], yes, env), 0, yes.text());
  assert.match(yes.text(), /applied: MAS now holds version 4/);
  assert.equal(sim.profile('p1')?.version, 4);
});

test('--yes applies without asking; --dry-run never applies', async (t) => {
  const { sim, env, file } = await setup(t);
  const keep = await file(
    'keep.yaml',
    `${PARTIAL}  useGroupDisplayNameAsGroupId: true\n  - id: test\n`.replace('  - id: test\n', ''),
  );
  const dry = capture('y');
  assert.equal(await cli(['profiles', 'apply', keep, '--dry-run'], dry, env), 0);
  assert.deepEqual(dry.asked, []);
  assert.match(dry.text(), /dry run: nothing applied/);
  assert.equal(sim.profile('p1')?.version, 3);
  const out = capture(undefined);
  assert.equal(await cli(['profiles', 'apply', keep, '-y'], out, env), 0, out.text());
  assert.deepEqual(out.asked, []);
  assert.doesNotMatch(out.text(), /REMOVES runtimeConfigs/);
  assert.equal(sim.profile('p1')?.runtimeConfigs?.someOtherSetting, true);
});

test('a YAML mistake is one line with its position and no stack trace (child process)', async (t) => {
  const { env, file } = await setup(t);
  const broken = await file('broken.yaml', 'id: p1\nruntimeConfigs:\n  useGroupDisplayNameAsGroupId: [true\n');
  const run = await scimProxy(['profiles', 'apply', broken, '--yes'], env);
  assert.equal(run.code, 2);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
  assert.match(run.stderr, /^profiles: .*broken\.yaml line \d+, column \d+: not valid YAML or JSON \(/);
  assert.equal(run.stderr.trim().split('\n').length, 1);
  const noId = capture();
  assert.equal(await cli(['profiles', 'apply', await file('list.yaml', '- a\n- b\n')], noId, env), 2);
  assert.match(noId.text(), /must hold one profile: a mapping with its "id"/);
});

test('a confirmation read from standard input works as in a terminal (child process)', async (t) => {
  const { sim, env, file } = await setup(t);
  const partial = await file('partial.yaml', PARTIAL);
  const refused = await scimProxy(['profiles', 'apply', partial], env, '');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /nothing applied/);
  assert.equal(sim.profile('p1')?.version, 3);
  const accepted = await scimProxy(['profiles', 'apply', partial], env, 'yes\n');
  assert.equal(accepted.code, 0, accepted.stderr);
  assert.equal(sim.profile('p1')?.version, 4);
});
