// What an idle replica holds: start-up garbage and the young generation it grew are given back once
// listening. bench/RESULTS.md has the RSS this amounts to.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');

describe('releaseStartupMemory', () => {
  it('gives back the young generation a start grew and the garbage it left, and leaves gc() unexposed', () => {
    // A start in miniature, under the image's semi-space flag: much allocated, much of it kept a while.
    const script = `
      import { getHeapSpaceStatistics } from 'node:v8';
      import { releaseStartupMemory } from ${JSON.stringify(pathToFileURL(join(root, 'src', 'startup-memory.ts')).href)};
      const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      let kept = [];
      for (let i = 0; i < 400_000; i++) kept.push({ i, name: 'user' + i });
      kept = undefined;
      const before = { newSpace: newSpace(), heapUsed: process.memoryUsage().heapUsed };
      releaseStartupMemory();
      const after = { newSpace: newSpace(), heapUsed: process.memoryUsage().heapUsed };
      console.log(JSON.stringify({ before, after, gcExposed: typeof globalThis.gc }));`;
    const child = spawnSync(process.execPath, ['--max-semi-space-size=8', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    const { before, after, gcExposed } = JSON.parse(child.stdout);
    const MB = 2 ** 20;
    assert.ok(before.newSpace >= 8 * MB, `the allocations grew the young generation (${before.newSpace / MB} MB)`);
    assert.ok(after.newSpace <= 2 * MB, `young generation after: ${after.newSpace / MB} MB`);
    assert.ok(
      after.heapUsed < before.heapUsed - 10 * MB,
      `heap used ${before.heapUsed / MB} → ${after.heapUsed / MB} MB`,
    );
    assert.equal(gcExposed, 'undefined');
  });
});
