// The CLI behaves like one: --help/-h on every subcommand prints its usage and exits 0; an unknown
// command or option is named; a wrong invocation exits 2.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { STACK_TRACE, scimProxy } from '../support/process.ts';

function capture(): Output & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, log: (l) => out.push(l), error: (l) => err.push(l) };
}

const SUBCOMMANDS = [
  ['config', 'check'],
  ['doctor'],
  ['profiles', 'get'],
  ['profiles', 'apply'],
  ['rules', 'check'],
  ['rewrite'],
  ['replay'],
];

for (const words of SUBCOMMANDS) {
  for (const flag of ['--help', '-h']) {
    test(`${words.join(' ')} ${flag} prints its usage on stdout and exits 0 without doing anything`, async () => {
      const out = capture();
      // An environment that would make any real run fail: help must not read it.
      assert.equal(await cli([...words, flag], out, { PORT: 'x', MAS_URL: 'http://127.0.0.1:1' }), 0);
      assert.match(out.out.join('\n'), new RegExp(`^usage: scim-proxy ${words.join(' ')}`));
      assert.deepEqual(out.err, []);
    });
  }
}

test('help COMMAND prints that command usage', async () => {
  const out = capture();
  assert.equal(await cli(['help', 'profiles', 'apply'], out, {}), 0);
  assert.match(out.out.join('\n'), /--yes/);
});

test('an unknown command, subcommand or option is named, with exit 2, from the real command', async () => {
  const unknown = await scimProxy(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^scim-proxy: unknown command "frobnicate"/);
  const sub = await scimProxy(['rules', 'lint']);
  assert.equal(sub.code, 2);
  assert.match(sub.stderr, /unknown command "rules lint"; rules has: rules check/);
  const flag = await scimProxy(['doctor', '--profle', 'p1']);
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /^scim-proxy doctor: unknown option --profle/);
  for (const run of [unknown, sub, flag]) assert.doesNotMatch(run.stderr, STACK_TRACE);
});

test('scim-proxy -h and --help exit 0 from the real command; rules check --help reads no directory', async () => {
  const short = await scimProxy(['-h']);
  assert.equal(short.code, 0);
  assert.match(short.stdout, /usage: scim-proxy <command>/);
  const rules = await scimProxy(['rules', 'check', '--help']);
  assert.equal(rules.code, 0);
  assert.match(rules.stdout, /usage: scim-proxy rules check/);
});

test('a missing value or a surplus argument is a usage error saying which', async () => {
  const out = capture();
  assert.equal(await cli(['replay', 'dir', '--to'], out, {}), 2);
  assert.match(out.err[0] ?? '', /option --to needs a value/);
  const extra = capture();
  assert.equal(await cli(['profiles', 'get', 'a', 'b'], extra, {}), 2);
  assert.match(extra.err[0] ?? '', /unexpected argument "b"/);
});

test('a command that reads a wrong configuration lists its problems instead of a stack trace', async () => {
  const run = await scimProxy(['profiles', 'get', 'p1'], { MAS_URL: 'https://x.example.com/scim/v2/p1' });
  assert.equal(run.code, 1);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
  assert.match(run.stderr, /MAS_URL=.* has a path/);
});
