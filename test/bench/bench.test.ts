// `npm run bench` end to end in its quickest mode: every server and the load generator start, every
// workload goes through every target without a failed request, and the tables come out whole. The
// numbers themselves are not judged here: a quick run on a shared machine says little about speed.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { TARGETS } from '../../bench/report.ts';
import { replaceSection } from '../../bench/results-file.ts';
import { WORKLOADS } from '../../bench/workloads.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('the quick benchmark prints every table row and writes them to the results file', {
  timeout: 300_000,
}, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-'));
  try {
    const out = path.join(dir, 'RESULTS.md');
    const { stdout } = await promisify(execFile)(process.execPath, ['bench/run.ts', '--quick', '--out', out], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const cells = (line: string) => line.split('|').map((cell) => cell.trim());
    const rows = stdout
      .split('\n')
      .filter((line) => line.startsWith('| '))
      .map(cells);
    // Every table's rows have as many cells as its header.
    for (const table of stdout.split('\n\n').filter((block) => block.startsWith('| '))) {
      const [head, ...body] = table.split('\n').map(cells);
      for (const row of body) assert.equal(row.length, head?.length, `a row as wide as its header: ${row.join(' | ')}`);
    }
    for (const workload of WORKLOADS) {
      for (const target of TARGETS) {
        const row = rows.find((r) => r[1] === workload.name && r[2] === target);
        assert.ok(row, `a throughput row for ${workload.name} through ${target}`);
        assert.ok(Number(row[3]) > 0, `${workload.name} through ${target} answered: ${row.join(' | ')}`);
        assert.ok(Number(row[4]) > 0, `the control answered beside ${workload.name} through ${target}`);
        // CPU is read in 10 ms ticks: a quick run's 100 requests to the bare upstream may take less than one.
        const cpuRatio = Number(row[8]);
        assert.ok(
          Number.isFinite(cpuRatio) && cpuRatio >= 0,
          `a CPU ratio to the control for ${workload.name} through ${target}`,
        );
        assert.equal(row[11], '0', `no failed request for ${workload.name} through ${target}`);
      }
      const floor = rows.find((r) => r[1] === workload.name && r.length === 7);
      assert.ok(floor && Number(floor[4]) > 0, `how far ${workload.name} is from the Express floor`);
      const steady = rows.filter((r) => r[1] === workload.name && r.length === 13 && /^\d+$/.test(r[2] ?? ''));
      assert.deepEqual(
        steady.map((r) => r[2]),
        ['200', '400'],
        `a steady-rate row for ${workload.name} at the latency rate and at the CPU rate`,
      );
      for (const row of steady) assert.ok(Number(row[11]) >= 0, `a CPU ratio at ${row[2]} req/s: ${row.join(' | ')}`);
    }
    for (const members of ['10', '1,000', '10,000']) {
      const row = rows.find((r) => r[1] === members);
      assert.ok(row, `a rewrite-cost row for ${members} members`);
      assert.equal(row[5], members, `a ${members}-member removal becomes ${members} filtered removes`);
    }
    assert.ok(
      rows.some((r) => r[1] === 'after 1,000'),
      'the first memory mark',
    );
    assert.ok(
      rows.some((r) => r[1] === 'after 2,000'),
      'the second memory mark',
    );
    assert.match(
      stdout,
      /Largest answer read whole: 2\.0 MiB through a response rule, 2 at once: 2 answered whole, proxy still up/,
    );
    for (const target of [
      "CPU per request ≤ 2× the pass-through's, each as fast as it goes",
      "CPU per request ≤ 2× the pass-through's, both at 400 req/s",
      'throughput ≥ 50%',
      'p99 added',
      '10,000-member removal',
      'RSS under sustained load ≤ 150 MB',
      'RSS idle ≤ 90 MB',
      'largest answer read whole',
      'event-loop',
    ]) {
      assert.ok(
        rows.some((r) => r[1]?.includes(target) && ['yes', 'NO'].includes(r[3] ?? '')),
        `a verdict on "${target}"`,
      );
    }
    const written = await readFile(out, 'utf8');
    assert.match(written, /<!-- bench:begin -->[\s\S]*\| group-remove-10 \| scim-proxy \|[\s\S]*<!-- bench:end -->/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a run replaces its own section of the results file and keeps the text around it', () => {
  const before = 'Analysis by hand.\n\n<!-- bench:begin -->\nold table\n<!-- bench:end -->\n\nMore analysis.\n';
  const after = replaceSection(before, 'bench', 'new table');
  assert.equal(after, 'Analysis by hand.\n\n<!-- bench:begin -->\nnew table\n<!-- bench:end -->\n\nMore analysis.\n');
  assert.equal(replaceSection('', 'bench', 't'), '<!-- bench:begin -->\nt\n<!-- bench:end -->\n');
});

test('a target that cannot start ends the run at once, saying so, and leaves no cgroup behind', {
  timeout: 180_000,
}, async () => {
  const child = spawn(
    process.execPath,
    ['bench/run.ts', '--quick', '--no-write', '--node-options=--no-such-node-option'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = await once(child, 'exit');
  assert.equal(code, 1);
  assert.match(stderr, /a target could not start/);
  const cgroups = '/sys/fs/cgroup/memory';
  if (existsSync(cgroups)) {
    const left = readdirSync(cgroups).filter((name) => name.startsWith(`scim-proxy-bench-${child.pid}-`));
    assert.deepEqual(left, []);
  }
});
