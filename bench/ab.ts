// `npm run bench:ab`: two variants of scim-proxy measured at the same moment, to judge one change
// on a shared machine. A variant is a git ref of this repository (built into dist-test-ab/) and the
// V8 flags it runs with; both run inside the chart's memory limit, in front of upstreams of their
// own, each loaded from its own load generator; which generator feeds which variant alternates by
// round. Reports, per workload, the medians over rounds of each one's CPU per request and req/s and
// of the per-round ratio B/A, then each one's RSS, heap and GC time after a mixed load.
//
//   npm run bench:ab -- --a-ref main                       # this working tree against main
//   npm run bench:ab -- --a-flags= --b-flags=--max-semi-space-size=4
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startChild } from './child.ts';
import { cpuMs } from './cpu.ts';
import { imageNodeOptions } from './image-node-options.ts';
import type { LoadJob, LoadResult } from './load.ts';
import { machine } from './machine.ts';
import { chartMemoryLimit, memoryCage, quantityBytes } from './memory-limit.ts';
import { median } from './percentile.ts';
import { type ProxyProcess, startProxy } from './proxy-process.ts';
import { collectionsBetween, type ProcessSample, scrape } from './scrape.ts';
import { settled, WARM_UP } from './warm-up.ts';
import { WORKLOADS } from './workloads.ts';

const HELP = `npm run bench:ab [-- options]
  --a-ref REF, --b-ref REF      git refs to build and run (default: this working tree)
  --a-flags F, --b-flags F      V8 flags (default: the Dockerfile's NODE_OPTIONS)
  --workloads a,b               workload names (default: all)
  --rounds N                    rounds (5); --duration S seconds per run (3); --connections N (8)
  --memory N                    mixed requests for the memory figures (20000; 0 skips)
  --memory-limit Q              the pod's memory limit (default: the chart's)`;

const { values: flags } = parseArgs({
  options: {
    'a-ref': { type: 'string' },
    'b-ref': { type: 'string' },
    'a-flags': { type: 'string' },
    'b-flags': { type: 'string' },
    workloads: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '3' },
    connections: { type: 'string', default: '8' },
    memory: { type: 'string', default: '20000' },
    'memory-limit': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const ROOT = path.resolve(import.meta.dirname, '..');
const log = (line: string) => process.stderr.write(`bench:ab: ${line}\n`);
const split = (value: string | undefined) =>
  value === undefined ? imageNodeOptions() : value.split(/\s+/).filter(Boolean);
const limitBytes = flags['memory-limit'] ? quantityBytes(flags['memory-limit']) : chartMemoryLimit().bytes;
const workloads = flags.workloads ? WORKLOADS.filter((w) => flags.workloads?.split(',').includes(w.name)) : WORKLOADS;
const rounds = Number(flags.rounds);

/** A copy of the sources at `ref`, with this clone's node_modules, for proxy-process to build. */
function checkout(ref: string | undefined, name: string): string | undefined {
  if (ref === undefined) return undefined;
  const dir = path.join(ROOT, 'dist-test-ab', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync(
    'git',
    ['archive', ref, 'src', 'rules', 'package.json', 'tsconfig.json', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      maxBuffer: 256 * 2 ** 20,
    },
  );
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  if (!existsSync(path.join(dir, 'node_modules')))
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

interface Variant {
  name: 'A' | 'B';
  label: string;
  proxy: ProxyProcess;
  upstream: Awaited<ReturnType<typeof startChild<{ url: string }>>>;
  cage: ReturnType<typeof memoryCage>;
}

/** A variant up and running; on the way, anything that fails takes down what it had started. */
async function variant(name: 'A' | 'B', ref: string | undefined, v8: string[]): Promise<Variant> {
  const cage = memoryCage(`ab-${name}`, limitBytes);
  let upstream: Variant['upstream'] | undefined;
  try {
    upstream = await startChild<{ url: string }>(new URL('servers/upstream.ts', import.meta.url), ['0']);
    const root = checkout(ref, name);
    const proxy = await startProxy(upstream.ready.url, {
      ...(root && { root }),
      execArgv: [...cage.flags, ...v8],
      wrap: cage.wrap,
    });
    return { name, label: `${ref ?? 'working tree'} with ${v8.join(' ') || 'no V8 flags'}`, proxy, upstream, cage };
  } catch (error) {
    await upstream?.stop();
    await cage.remove();
    throw error;
  }
}

// When one variant cannot start (a ref that does not build), the other is stopped too: a cgroup or a
// proxy left behind would outlive the run.
const started = await Promise.allSettled([
  variant('A', flags['a-ref'], split(flags['a-flags'])),
  variant('B', flags['b-ref'], split(flags['b-flags'])),
]);
const failure = started.find((result) => result.status === 'rejected');
if (failure) {
  for (const result of started) {
    if (result.status !== 'fulfilled') continue;
    await Promise.all([result.value.proxy.stop(), result.value.upstream.stop()]);
    await result.value.cage.remove();
  }
  log(`a variant could not start: ${(failure.reason as Error).message}`);
  process.exit(1);
}
const [a, b] = started.map((result) => (result as PromiseFulfilledResult<Variant>).value) as [Variant, Variant];
const loaders = await Promise.all([
  startChild<true>(new URL('load.ts', import.meta.url)),
  startChild<true>(new URL('load.ts', import.meta.url)),
]);
log(`A: ${a.label}; B: ${b.label}; ${a.cage.how}`);

type Measured = LoadResult & { cpuMsPerRequest: number };
async function together(job: Omit<LoadJob, 'url'>, round: number): Promise<[Measured, Measured]> {
  const pids = [a.proxy.process.pid, b.proxy.process.pid];
  const before = await Promise.all(pids.map(cpuMs));
  const [first, second] = round % 2 ? [loaders[1], loaders[0]] : [loaders[0], loaders[1]];
  const results = await Promise.all([
    first.ask<LoadResult>({ type: 'run', job: { ...job, url: a.proxy.url } }),
    second.ask<LoadResult>({ type: 'run', job: { ...job, url: b.proxy.url } }),
  ]);
  const after = await Promise.all(pids.map(cpuMs));
  return results.map((r, i) => ({
    ...r,
    cpuMsPerRequest: ((after[i] as number) - (before[i] as number)) / (r.ok + r.non2xx),
  })) as [Measured, Measured];
}

const fixed = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const lines: string[] = [
  `Measured ${new Date().toISOString()} on ${machine()}.`,
  `A: ${a.label}. B: ${b.label}. Both in ${a.cage.how}; ${rounds} rounds of ${flags.duration} s, ${flags.connections} connections each, at the same moment.`,
  '',
  '| workload | A CPU ms/req | B CPU ms/req | B/A CPU (median of rounds) | B/A CPU per round | A req/s | B req/s | B/A req/s | failed |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];
try {
  const mixed = WORKLOADS.map((w) => w.request);
  // Both until each one's CPU per request settles (warm-up.ts); the later of the two decides.
  const windows: [number, number][] = [];
  const settledBoth = () =>
    windows.length >= WARM_UP.minWindows &&
    settled(
      windows.map(([x]) => x),
      WARM_UP.tolerance,
    ) &&
    settled(
      windows.map(([, y]) => y),
      WARM_UP.tolerance,
    );
  while (windows.length < WARM_UP.maxWindows && !settledBoth()) {
    log(`warming up, window ${windows.length + 1}`);
    const [x, y] = await together(
      { requests: mixed, connections: Number(flags.connections), durationSeconds: 3 },
      windows.length,
    );
    windows.push([x.cpuMsPerRequest, y.cpuMsPerRequest]);
  }
  for (const workload of workloads) {
    const runs: [Measured, Measured][] = [];
    for (let round = 0; round < rounds; round++) {
      log(`${workload.name}: round ${round + 1}/${rounds}`);
      runs.push(
        await together(
          {
            requests: [workload.request],
            connections: Number(flags.connections),
            durationSeconds: Number(flags.duration),
          },
          round,
        ),
      );
    }
    const cpuRatios = runs.map(([x, y]) => y.cpuMsPerRequest / x.cpuMsPerRequest);
    lines.push(
      `| ${[
        workload.name,
        fixed(median(runs.map(([x]) => x.cpuMsPerRequest))),
        fixed(median(runs.map(([, y]) => y.cpuMsPerRequest))),
        fixed(median(cpuRatios)),
        cpuRatios.map((r) => fixed(r, 2)).join(' '),
        fixed(median(runs.map(([x]) => x.rps)), 0),
        fixed(median(runs.map(([, y]) => y.rps)), 0),
        fixed(median(runs.map(([x, y]) => y.rps / x.rps))),
        runs.reduce((n, [x, y]) => n + x.non2xx + x.errors + y.non2xx + y.errors, 0),
      ].join(' | ')} |`,
    );
  }
  const amount = Number(flags.memory);
  if (amount > 0) {
    log(`memory: ${amount} mixed requests through each, at the same moment`);
    const before = await Promise.all([scrape(a.proxy.metricsUrl), scrape(b.proxy.metricsUrl)]);
    const [x, y] = await together({ requests: mixed, connections: Number(flags.connections), amount }, 0);
    const after = await Promise.all([scrape(a.proxy.metricsUrl), scrape(b.proxy.metricsUrl)]);
    lines.push(
      '',
      '| variant | CPU ms/req (mixed) | GC ms/req | full GCs per 10,000 req | RSS MB | heap used MB | heap total MB | cgroup peak MB |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...[a, b].map((v, i) => {
        const s = after[i] as ProcessSample;
        const r = i ? y : x;
        const gc = collectionsBetween(before[i] as ProcessSample, s, r.ok + r.non2xx);
        return `| ${[
          v.name,
          fixed(r.cpuMsPerRequest),
          fixed(gc.gcMsPerRequest),
          fixed(gc.fullCollectionsPer10k, 1),
          fixed(s.rssBytes / 2 ** 20, 1),
          fixed(s.heapUsedBytes / 2 ** 20, 1),
          fixed(s.heapTotalBytes / 2 ** 20, 1),
          fixed((v.cage.peakBytes() ?? Number.NaN) / 2 ** 20, 1),
        ].join(' | ')} |`;
      }),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await Promise.all([...loaders, a.proxy, b.proxy, a.upstream, b.upstream].map((c) => c.stop()));
  await Promise.all([a.cage.remove(), b.cage.remove()]);
}
