// `npm run bench:ab` with a variant that cannot start ends at once, saying why, and leaves nothing
// behind: no memory cgroup (which would outlive the run) and no proxy or upstream of the other variant.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CGROUPS = '/sys/fs/cgroup/memory';

test('a variant that cannot start stops the run and the other variant, and removes their cgroups', {
  timeout: 180_000,
}, async () => {
  const child = spawn(process.execPath, ['bench/ab.ts', '--a-ref', 'no-such-ref', '--rounds', '1', '--memory', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.match(stderr, /a variant could not start: .*no-such-ref/);
  if (existsSync(CGROUPS)) {
    const left = readdirSync(CGROUPS).filter((name) => name.startsWith(`scim-proxy-bench-${child.pid}-`));
    assert.deepEqual(left, []);
  }
});
