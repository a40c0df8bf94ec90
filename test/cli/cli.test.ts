import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cli } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';

function capture(): Output & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, log: (l) => lines.push(l), error: (l) => errors.push(l) };
}

async function rulesDir(t: test.TestContext, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rules-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

const validRule = `
id: drop-nickname
summary: An example user rule that drops nickName from created users.
methods: [POST]
resources: [Users]
select: $.body.nickName
action: drop-null-properties
examples:
  - name: keeps a non-null nickName
    before: { method: POST, path: /scim/v2/p/Users, body: { userName: u, nickName: n } }
    after: {}
`;

test('rules check passes on the built-in rules and says how many', async () => {
  const out = capture();
  assert.equal(await cli(['rules', 'check'], out, {}), 0);
  assert.match(out.lines.at(-1) ?? '', /rules are valid: \d+ rules/);
});

test('rules check adds the rules of a directory to the built-in ones', async (t) => {
  const out = capture();
  const dir = await rulesDir(t, { '900-drop-nickname.yaml': validRule });
  assert.equal(await cli(['rules', 'check', dir], out, {}), 0);
  assert.ok(out.lines.some((l) => l.includes('drop-nickname')));
});

test('rules check names the file, the field and the fix for every problem', async (t) => {
  const out = capture();
  const dir = await rulesDir(t, {
    'a.yaml': validRule.replace('action: drop-null-properties', 'action: drop-everything'),
    'b.yaml': validRule
      .replace('id: drop-nickname', 'id: Bad_Id')
      .replace('select: $.body.nickName', 'select: nickName'),
    'c.yaml': 'id: [unclosed',
    'd.yaml': validRule
      .replace('after: {}', 'after: { body: { userName: u } }')
      .replace('id: drop-nickname', 'id: other'),
  });
  assert.equal(await cli(['rules', 'check', dir], out, {}), 1);
  const text = out.errors.join('\n');
  assert.match(text, /a\.yaml: action: unknown action "drop-everything"; use one of: .*lowercase-op/);
  assert.match(text, /b\.yaml: id: use lower-case letters, digits and dashes/);
  assert.match(text, /b\.yaml: select: must start with \$\.query or \$\.body/);
  assert.match(text, /c\.yaml: not valid YAML/);
  assert.match(text, /d\.yaml: examples\[0\] "keeps a non-null nickName": body is .*expected/);
});

test('two rules with the same id are refused', async (t) => {
  const out = capture();
  const dir = await rulesDir(t, { 'x.yaml': validRule.replace('drop-nickname', 'lowercase-patch-op') });
  assert.equal(await cli(['rules', 'check', dir], out, {}), 1);
  assert.match(out.errors.join('\n'), /"lowercase-patch-op" is already used by .*100-lowercase-patch-op\.yaml/);
});

test('rewrite prints what MAS would receive, and the rules that changed it, for a corpus case as it is', async () => {
  const out = capture();
  const file = new URL('../fixtures/entra/patch-group-remove-member-legacy-doc.json', import.meta.url).pathname;
  assert.equal(await cli(['rewrite', file], out, {}), 0);
  const report = JSON.parse(out.lines.join('\n'));
  assert.equal(report.outcome, 'forwarded');
  assert.deepEqual(report.rules, ['lowercase-patch-op', 'drop-null-refs', 'expand-legacy-member-removal']);
  assert.deepEqual(report.upstream.body.Operations, [
    { op: 'remove', path: 'members[value eq "f648f8d5ea4e4cd38e9c"]' },
  ]);
});

test('rewrite reports a refusal with its reason', async (t) => {
  const out = capture();
  const dir = await rulesDir(t, {});
  const file = path.join(dir, 'wipe.json');
  await writeFile(
    file,
    JSON.stringify({
      method: 'PATCH',
      path: '/scim/v2/p/Groups/g',
      body: { Operations: [{ op: 'remove', path: 'members' }] },
    }),
  );
  assert.equal(await cli(['rewrite', file], out, {}), 0);
  const report = JSON.parse(out.lines.join('\n'));
  assert.equal(report.outcome, 'refused');
  assert.match(report.reason, /every member/);
});
