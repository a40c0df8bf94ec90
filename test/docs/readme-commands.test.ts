// The README's quick start and demo rehearsal work as printed: their shell blocks run, exactly as
// written, in a copy of the repository (so `npm ci` installs afresh, as in a new clone), and each must
// succeed. Where the machine allows it, they run in a network namespace of their own, so the ports
// the README names (8080, 9464) are theirs even while other tests or developers use this machine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { codeBlocks, ROOT, read, section } from '../support/markdown.ts';
import type { Plan, Step } from './run-blocks.ts';

const SECTIONS = ['Quick start', 'Demo rehearsal'];
const TIMEOUT_MS = 8 * 60_000;

function stepsOf(heading: string): Step[] {
  const blocks = codeBlocks(section(read('README.md'), heading)).filter((b) => b.lang === 'sh');
  const steps = blocks.map((block, i): Step => {
    const until = block.directive?.match(/^background until "(.+)"$/)?.[1];
    if (block.directive !== undefined && until === undefined)
      throw new Error(`README.md, ${heading}: unknown doc-test directive "${block.directive}"`);
    return { label: `${heading}, block ${i + 1}`, script: block.code, ...(until !== undefined && { until }) };
  });
  const last = steps.at(-1);
  if (last) last.endOfSection = true;
  return steps;
}

/** The files a clone has: tracked ones and new ones not ignored, as `git ls-files` lists them. */
function copyOfRepository(): string {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(listed.status, 0, `git ls-files: ${listed.stderr}`);
  const copy = mkdtempSync(path.join(tmpdir(), 'scim-proxy-readme-'));
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    mkdirSync(path.join(copy, path.dirname(file)), { recursive: true });
    try {
      copyFileSync(path.join(ROOT, file), path.join(copy, file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // deleted, not yet committed
    }
  }
  return copy;
}

/** Whether this process may start a network namespace with its own loopback. */
const ownNetwork = () =>
  spawnSync('unshare', ['-rn', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;

/** A newcomer's environment: none of the proxy's variables, and no node_modules/.bin of this checkout. */
function newcomerEnv(isolated: boolean): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(npm_|NODE_|PORT$|METRICS_PORT$|MAS_|SCIM_|RECORD_|REPLAY_|RULES_)/.test(name))
      continue;
    env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => !dir.includes(`${path.sep}node_modules${path.sep}`))
    .join(path.delimiter);
  // Offline in the namespace (it has no network): the packages come from npm's cache, which the
  // project's own `npm ci` filled. Never a prompt, an audit or an update check.
  env.npm_config_prefer_offline = 'true';
  if (isolated) env.npm_config_offline = 'true';
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_update_notifier = 'false';
  return env;
}

test('the quick start and the demo rehearsal of the README run as printed', { timeout: TIMEOUT_MS + 60_000 }, (t) => {
  const steps = SECTIONS.flatMap(stepsOf);
  assert.ok(
    steps.some((s) => s.until === undefined),
    'the README has runnable blocks in its quick start and rehearsal',
  );
  const copy = copyOfRepository();
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  const isolated = ownNetwork();
  const plan: Plan = { cwd: copy, env: newcomerEnv(isolated), steps, timeoutMs: TIMEOUT_MS };
  const planFile = path.join(copy, '.doc-test-plan.json');
  writeFileSync(planFile, JSON.stringify(plan));
  const runner = [process.execPath, path.join(import.meta.dirname, 'run-blocks.ts'), planFile];
  const [command, ...args] = isolated
    ? ['unshare', '-rn', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...runner]
    : runner;
  const run = spawnSync(command as string, args, { encoding: 'utf8', timeout: TIMEOUT_MS + 30_000 });
  assert.equal(
    run.status,
    0,
    `${isolated ? '' : '(not isolated: ports 8080 and 9464 must be free)\n'}${run.stdout}${run.stderr}`,
  );
  t.diagnostic(
    run.stdout
      .split('\n')
      .filter((line) => line.startsWith('--- '))
      .join('; '),
  );
});
