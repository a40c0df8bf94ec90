// `npm run bench`: a fast upstream, a bare http-proxy-3 pass-through and scim-proxy side by side,
// each in its own process, loaded by autocannon from another. Prints the tables and writes them to
// bench/RESULTS.md. `--quick` runs every step in a few seconds (the test uses it); see --help.
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startChild } from './child.ts';
import { measureCost } from './cost.ts';
import { cpuMs } from './cpu.ts';
import { imageNodeOptions } from './image-node-options.ts';
import type { LoadJob, LoadResult } from './load.ts';
import { machine } from './machine.ts';
import { summarizeProfile } from './profile.ts';
import { startProxy } from './proxy-process.ts';
import {
  type Findings,
  type MemoryMark,
  render,
  type SteadyRow,
  TARGETS,
  type Target,
  type ThroughputRow,
} from './report.ts';
import { writeSection } from './results-file.ts';
import { scrape } from './scrape.ts';
import { WORKLOADS } from './workloads.ts';

const HELP = `npm run bench [-- options]
  --quick               every step in seconds (a smoke run; numbers mean little)
  --rounds N            throughput rounds, median reported (3)
  --duration S          seconds per throughput run (4)
  --connections N       autocannon connections (16)
  --rate N              the steady rate for the latency comparison, req/s (200)
  --steady S            seconds per steady-rate run (6)
  --memory N            requests per memory mark; two marks (100000)
  --out FILE            where the tables go (bench/RESULTS.md); --no-write for stdout only
  --profile             run scim-proxy under --cpu-prof and summarize where its time goes
  --source              run scim-proxy from src/*.ts (type stripping) instead of the compiled files
  --node-options FLAGS  V8 flags for scim-proxy and the pass-through (default: the Dockerfile's NODE_OPTIONS)`;

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    rate: { type: 'string' },
    steady: { type: 'string' },
    memory: { type: 'string' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'RESULTS.md') },
    'no-write': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
    'node-options': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const quick = flags.quick;
const number = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const settings = {
  rounds: number(flags.rounds, quick ? 1 : 3),
  durationSeconds: number(flags.duration, 4),
  connections: number(flags.connections, quick ? 4 : 16),
  rate: number(flags.rate, 200),
  steadySeconds: number(flags.steady, 6),
  memoryRequests: number(flags.memory, quick ? 1000 : 100_000),
  costIterations: quick ? 3 : 15,
};
/** In quick mode every run is a fixed, small number of requests instead of a duration. */
const span = (seconds: number, quickAmount: number) => (quick ? { amount: quickAmount } : { durationSeconds: seconds });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const failuresOf = (r: LoadResult) => r.non2xx + r.errors;

const here = (file: string) => new URL(file, import.meta.url);
const profileDir = path.join(import.meta.dirname, 'profiles');
if (flags.profile) await mkdir(profileDir, { recursive: true });

const machineLine = machine();
const v8Flags =
  flags['node-options'] === undefined ? imageNodeOptions() : flags['node-options'].split(/\s+/).filter(Boolean);
log(`scim-proxy and the pass-through run with: ${v8Flags.join(' ') || '(no V8 flags)'}`);
const upstream = await startChild<{ url: string }>(here('servers/upstream.ts'));
const [passThrough, proxy, loader] = await Promise.all([
  startChild<{ url: string }>(here('servers/passthrough.ts'), [upstream.ready.url], { execArgv: v8Flags }),
  startProxy(upstream.ready.url, {
    source: flags.source,
    execArgv: [...v8Flags, ...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
  }),
  startChild<true>(here('load.ts')),
]);
const urls: Record<Target, string> = {
  direct: upstream.ready.url,
  'pass-through': passThrough.ready.url,
  'scim-proxy': proxy.url,
};
const pids: Record<Target, number | undefined> = {
  direct: upstream.process.pid,
  'pass-through': passThrough.process.pid,
  'scim-proxy': proxy.process.pid,
};
const load = (job: LoadJob) => loader.ask<LoadResult>({ type: 'run', job });
/** A run against one target, with the CPU that target's process spent per request. */
const loadOn = async (target: Target, job: LoadJob) => {
  const before = await cpuMs(pids[target]);
  const result = await load(job);
  return { ...result, cpuMsPerRequest: ((await cpuMs(pids[target])) - before) / (result.ok + result.non2xx) };
};

try {
  const findings = await measure();
  const tables = render(findings);
  process.stdout.write(`\n${tables}\n`);
  if (!flags['no-write']) {
    await writeSection(flags.out, 'bench', tables);
    log(`tables written to ${flags.out}`);
  }
} finally {
  await Promise.all([loader, proxy, passThrough, upstream].map((child) => child.stop()));
}
if (flags.profile) {
  const files = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const latest = files.at(-1);
  if (latest) process.stdout.write(`\n${await summarizeProfile(path.join(profileDir, latest))}\n`);
}

async function measure(): Promise<Findings> {
  // First, while the machine is quiet: the engine alone, in this process.
  log('rewrite cost of 10, 1,000 and 10,000 members');
  const cost = await measureCost([10, 1000, 10_000], settings.costIterations);
  const mixed = WORKLOADS.map((w) => w.request);
  const idle = await scrape(proxy.metricsUrl);
  log('warming up');
  for (const target of TARGETS) {
    await load({ url: urls[target], requests: mixed, connections: settings.connections, ...span(2, 400) });
  }

  const samples = new Map<string, (LoadResult & { cpuMsPerRequest: number })[]>();
  for (let round = 0; round < settings.rounds; round++) {
    // Each round starts with a different target, so a slow spell of the machine does not always hit the same one.
    const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length] as Target);
    for (const workload of WORKLOADS) {
      for (const target of order) {
        log(`round ${round + 1}/${settings.rounds}: ${workload.name} → ${target}`);
        const result = await loadOn(target, {
          url: urls[target],
          requests: [workload.request],
          connections: settings.connections,
          ...span(settings.durationSeconds, 300),
        });
        const key = `${workload.name}\0${target}`;
        samples.set(key, [...(samples.get(key) ?? []), result]);
      }
    }
  }
  const throughput: ThroughputRow[] = WORKLOADS.flatMap((workload) =>
    TARGETS.map((target) => {
      const runs = samples.get(`${workload.name}\0${target}`) ?? [];
      return {
        workload: workload.name,
        target,
        rps: median(runs.map((r) => r.rps)),
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p99Ms: median(runs.map((r) => r.p99Ms)),
        cpuMsPerRequest: median(runs.map((r) => r.cpuMsPerRequest)),
        failures: runs.reduce((n, r) => n + failuresOf(r), 0),
      };
    }),
  );

  const steady: SteadyRow[] = [];
  for (const workload of WORKLOADS) {
    log(`steady ${settings.rate} req/s: ${workload.name}`);
    const job = (target: Target): LoadJob => ({
      url: urls[target],
      requests: [workload.request],
      connections: 8,
      overallRate: settings.rate,
      paced: true,
      ...span(settings.steadySeconds, 100),
    });
    const passThroughResult = await load(job('pass-through'));
    await scrape(proxy.metricsUrl);
    const proxyResult = await load(job('scim-proxy'));
    const { eventLoopP99Ms } = await scrape(proxy.metricsUrl);
    steady.push({ workload: workload.name, passThrough: passThroughResult, proxy: proxyResult, eventLoopP99Ms });
  }

  const memory: MemoryMark[] = [
    {
      label: 'idle, before any request',
      requests: 0,
      rssMb: idle.rssBytes / 2 ** 20,
      heapMb: idle.heapUsedBytes / 2 ** 20,
      eventLoopP99Ms: idle.eventLoopP99Ms,
      failures: 0,
    },
  ];
  const mark = async (label: string, requests: number, failures: number) => {
    const sample = await scrape(proxy.metricsUrl);
    memory.push({
      label,
      requests,
      rssMb: sample.rssBytes / 2 ** 20,
      heapMb: sample.heapUsedBytes / 2 ** 20,
      eventLoopP99Ms: sample.eventLoopP99Ms,
      failures,
    });
  };
  // Resets the event-loop histogram, so each mark's delay covers its own run only.
  await scrape(proxy.metricsUrl);
  let sent = 0;
  for (const _ of [1, 2]) {
    log(`memory: ${settings.memoryRequests.toLocaleString('en')} mixed requests through scim-proxy`);
    const result = await load({
      url: urls['scim-proxy'],
      requests: mixed,
      connections: settings.connections,
      amount: settings.memoryRequests,
    });
    sent += result.ok + result.non2xx;
    await mark(`after ${sent.toLocaleString('en')}`, sent, failuresOf(result));
  }

  const how = quick
    ? `quick mode: ${settings.connections} connections, 300 requests per run`
    : `${settings.connections} connections, ${settings.durationSeconds} s per run, median of ${settings.rounds} rounds`;
  return {
    settings: [
      `Measured ${new Date().toISOString()} on ${machineLine}.`,
      `Load: autocannon in its own process, ${how}; upstream, pass-through and scim-proxy each in its own process.`,
    ].join('\n'),
    throughput,
    steady,
    steadyRate: settings.rate,
    cost,
    memory,
  };
}
