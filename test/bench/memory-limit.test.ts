// The benchmark runs the proxies inside the chart's memory limit: a cgroup where one can be made,
// else the V8 limits Node would derive in it, given as flags. Both must size the heap alike.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { chartMemoryLimit, derivedHeapFlags, memoryCage, quantityBytes } from '../../bench/memory-limit.ts';

const heapLimit = (argv: readonly string[]) =>
  Number(
    execFileSync(argv[0] as string, [
      ...argv.slice(1),
      '-p',
      "require('node:v8').getHeapStatistics().heap_size_limit",
    ]).toString(),
  );

test('memory quantities are read as Kubernetes reads them', () => {
  assert.equal(quantityBytes('384Mi'), 384 * 2 ** 20);
  assert.equal(quantityBytes('1Gi'), 2 ** 30);
  assert.equal(quantityBytes('500M'), 500e6);
  assert.throws(() => quantityBytes('lots'), /not a memory quantity/);
  assert.ok(chartMemoryLimit().bytes >= 128 * 2 ** 20, 'the chart sets a memory limit');
});

test('inside a memory limit, node sizes its heap as the derived flags do', (t) => {
  for (const bytes of [chartMemoryLimit().bytes, 2 ** 30]) {
    const cage = memoryCage(`heap-check-${bytes}`, bytes);
    t.after(() => cage.remove());
    if (cage.flags.length > 0) return t.skip('no memory cgroup can be made here');
    assert.equal(
      heapLimit(cage.wrap([process.execPath])),
      heapLimit([process.execPath, ...derivedHeapFlags(bytes)]),
      `in ${bytes / 2 ** 20} MiB`,
    );
    assert.equal(
      heapLimit(cage.wrap([process.execPath, '--max-semi-space-size=8'])),
      heapLimit([process.execPath, ...derivedHeapFlags(bytes), '--max-semi-space-size=8']),
      `flags given explicitly win over the derived ones in both, in ${bytes / 2 ** 20} MiB`,
    );
  }
});
