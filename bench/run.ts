// `npm run bench`: a fast upstream, a bare http-proxy-3 pass-through, an Express floor and
// scim-proxy, each in its own process, loaded by autocannon from another. Every run on a target is
// made at the same moment as a run on an identical control (a second pass-through in front of a
// second upstream), so the machine's busy spells hit both: ratios to the control, medians over
// rounds. The proxies run as the image runs them (its NODE_OPTIONS) inside the chart's memory limit.
// Prints the tables and writes them to bench/RESULTS.md. `--quick` runs every step in seconds (the
// test uses it); see --help.
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Child, startChild } from './child.ts';
import { measureCost } from './cost.ts';
import { cpuMs } from './cpu.ts';
import { imageNodeOptions } from './image-node-options.ts';
import type { LoadJob, LoadResult } from './load.ts';
import { machine } from './machine.ts';
import { chartMemoryLimit, type MemoryCage, memoryCage, quantityBytes } from './memory-limit.ts';
import { median } from './percentile.ts';
import { summarizeProfile } from './profile.ts';
import { startProxy } from './proxy-process.ts';
import {
  type Findings,
  type LargeAnswer,
  type MemoryMark,
  type PairedRow,
  render,
  type SteadyRow,
  TARGETS,
  type Target,
} from './report.ts';
import { writeSection } from './results-file.ts';
import { collectionsBetween, scrape } from './scrape.ts';
import { WARM_UP, type WarmedUp, warmUp } from './warm-up.ts';
import { largeGroupRequest, WORKLOADS } from './workloads.ts';

const HELP = `npm run bench [-- options]
  --quick               every step in seconds (a smoke run; numbers mean little)
  --rounds N            rounds of every run, median reported (5)
  --duration S          seconds per throughput run (3)
  --connections N       autocannon connections per load (8)
  --rate N              the steady rate for the latency comparison, req/s (200)
  --steady S            seconds per steady-rate run (4)
  --cpu-rate N          a second steady rate, for CPU per request with scim-proxy and the control
                        at the same load, req/s (1000; 0 skips)
  --memory N            requests per memory mark; two marks (100000)
  --memory-limit Q      the pod's memory limit (default: the chart's resources.limits.memory)
  --out FILE            where the tables go (bench/RESULTS.md); --no-write for stdout only
  --profile             run scim-proxy under --cpu-prof and summarize where its time goes
  --source              run scim-proxy from src/*.ts (type stripping) instead of the compiled files
  --node-options FLAGS  V8 flags for every proxy (default: the Dockerfile's NODE_OPTIONS)`;

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    rate: { type: 'string' },
    steady: { type: 'string' },
    'cpu-rate': { type: 'string' },
    memory: { type: 'string' },
    'memory-limit': { type: 'string' },
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
  // Five, not three: a median of three moves once two rounds are disturbed, and on a shared machine
  // two were (the path-less PATCH read 3.69× at saturation against 2.57-2.65× in the runs either side).
  rounds: number(flags.rounds, quick ? 1 : 5),
  durationSeconds: number(flags.duration, 3),
  connections: number(flags.connections, quick ? 4 : 8),
  rate: number(flags.rate, 200),
  steadySeconds: number(flags.steady, 4),
  cpuRate: number(flags['cpu-rate'], quick ? 400 : 1000),
  memoryRequests: number(flags.memory, quick ? 1000 : 100_000),
  costIterations: quick ? 3 : 15,
  /** The answer the upstream sends for the large-answer check: just under the 32 MiB read whole. */
  largeAnswerBytes: quick ? 2 * 2 ** 20 : 32 * 2 ** 20 - 4096,
};
/** In quick mode every run is a fixed, small number of requests instead of a duration. */
const span = (seconds: number, quickAmount: number) => (quick ? { amount: quickAmount } : { durationSeconds: seconds });

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const failuresOf = (r: LoadResult) => r.non2xx + r.errors;

const here = (file: string) => new URL(file, import.meta.url);
const profileDir = path.join(import.meta.dirname, 'profiles');
if (flags.profile) await mkdir(profileDir, { recursive: true });

const machineLine = machine();
const v8Flags =
  flags['node-options'] === undefined ? imageNodeOptions() : flags['node-options'].split(/\s+/).filter(Boolean);
const limit = flags['memory-limit']
  ? { quantity: flags['memory-limit'], bytes: quantityBytes(flags['memory-limit']) }
  : chartMemoryLimit();
// One cage per proxy: each has the pod's limit to itself, as each would in its own pod.
const cages = Object.fromEntries(
  (['control', 'pass-through', 'express-floor', 'scim-proxy'] as const).map((name) => [
    name,
    memoryCage(name, limit.bytes),
  ]),
) as Record<'control' | 'pass-through' | 'express-floor' | 'scim-proxy', MemoryCage>;
const proxyFlags = (cage: MemoryCage) => [...cage.flags, ...v8Flags];
log(`proxies run with: ${v8Flags.join(' ') || '(no V8 flags)'}, in ${cages['scim-proxy'].how}`);

const [upstream, controlUpstream] = await Promise.all([
  startChild<{ url: string }>(here('servers/upstream.ts'), [String(settings.largeAnswerBytes)]),
  startChild<{ url: string }>(here('servers/upstream.ts'), ['0']),
]);
const server = (file: string, to: string, cage: MemoryCage) =>
  startChild<{ url: string }>(here(file), [to], { execArgv: proxyFlags(cage), wrap: cage.wrap });
const started = await Promise.allSettled([
  server('servers/passthrough.ts', controlUpstream.ready.url, cages.control),
  server('servers/passthrough.ts', upstream.ready.url, cages['pass-through']),
  server('servers/express-floor.ts', upstream.ready.url, cages['express-floor']),
  startProxy(upstream.ready.url, {
    source: flags.source,
    execArgv: [
      ...proxyFlags(cages['scim-proxy']),
      ...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ],
    wrap: cages['scim-proxy'].wrap,
  }),
  startChild<true>(here('load.ts')),
  startChild<true>(here('load.ts')),
]);
const notStarted = started.find((result) => result.status === 'rejected');
if (notStarted) {
  // Whatever did start is stopped and every cgroup removed: a cgroup outlives the run otherwise.
  await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
  await Promise.all([upstream.stop(), controlUpstream.stop()]);
  await Promise.all(Object.values(cages).map((cage) => cage.remove()));
  log(
    `a target could not start: ${notStarted.reason instanceof Error ? notStarted.reason.message : String(notStarted.reason)}`,
  );
  process.exit(1);
}
const [control, passThrough, expressFloor, proxy, loader, controlLoader] = started.map(
  (result) => (result as PromiseFulfilledResult<unknown>).value,
) as [
  Child<{ url: string }>,
  Child<{ url: string }>,
  Child<{ url: string }>,
  Awaited<ReturnType<typeof startProxy>>,
  Child<true>,
  Child<true>,
];
const urls: Record<Target | 'control', string> = {
  direct: upstream.ready.url,
  'pass-through': passThrough.ready.url,
  'express-floor': expressFloor.ready.url,
  'scim-proxy': proxy.url,
  control: control.ready.url,
};
const pids: Record<Target | 'control', number | undefined> = {
  direct: upstream.process.pid,
  'pass-through': passThrough.process.pid,
  'express-floor': expressFloor.process.pid,
  'scim-proxy': proxy.process.pid,
  control: control.process.pid,
};
const load = (job: LoadJob) => loader.ask<LoadResult>({ type: 'run', job });
const controlLoad = (job: LoadJob) => controlLoader.ask<LoadResult>({ type: 'run', job });

type Measured = LoadResult & { cpuMsPerRequest: number };
/** The same job on a target and on the control at the same moment, each from its own load generator. */
async function paired(target: Target, job: Omit<LoadJob, 'url'>): Promise<{ target: Measured; control: Measured }> {
  const before = await Promise.all([cpuMs(pids[target]), cpuMs(pids.control)]);
  const [onTarget, onControl] = await Promise.all([
    load({ ...job, url: urls[target] }),
    controlLoad({ ...job, url: urls.control }),
  ]);
  const after = await Promise.all([cpuMs(pids[target]), cpuMs(pids.control)]);
  const perRequest = (r: LoadResult, i: 0 | 1) => ((after[i] as number) - (before[i] as number)) / (r.ok + r.non2xx);
  return {
    target: { ...onTarget, cpuMsPerRequest: perRequest(onTarget, 0) },
    control: { ...onControl, cpuMsPerRequest: perRequest(onControl, 1) },
  };
}

try {
  const findings = await measure();
  const tables = render(findings);
  process.stdout.write(`\n${tables}\n`);
  if (!flags['no-write']) {
    await writeSection(flags.out, 'bench', tables);
    log(`tables written to ${flags.out}`);
  }
} finally {
  await Promise.all(
    [loader, controlLoader, proxy, expressFloor, passThrough, control, upstream, controlUpstream].map((child) =>
      child.stop(),
    ),
  );
  await Promise.all(Object.values(cages).map((cage) => cage.remove()));
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
  const warmedUp: Partial<Record<Target | 'control', WarmedUp>> = {};
  for (const target of [...TARGETS, 'control'] as const) {
    log(`warming up ${target} until its CPU per request settles`);
    warmedUp[target] = await warmUp(
      async () => {
        const before = await cpuMs(pids[target]);
        const run = await load({
          url: urls[target],
          requests: mixed,
          connections: settings.connections,
          ...span(3, 400),
        });
        return ((await cpuMs(pids[target])) - before) / (run.ok + run.non2xx);
      },
      quick ? { minWindows: 1, maxWindows: 1, tolerance: 1 } : WARM_UP,
    );
  }

  const samples = new Map<string, { target: Measured; control: Measured }[]>();
  for (let round = 0; round < settings.rounds; round++) {
    // Each round starts with a different target, so a slow spell of the machine does not always hit the same one.
    const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length] as Target);
    for (const workload of WORKLOADS) {
      for (const target of order) {
        log(`round ${round + 1}/${settings.rounds}: ${workload.name} → ${target}, with the control`);
        const result = await paired(target, {
          requests: [workload.request],
          connections: settings.connections,
          ...span(settings.durationSeconds, 300),
        });
        const key = `${workload.name}\0${target}`;
        samples.set(key, [...(samples.get(key) ?? []), result]);
      }
    }
  }
  const throughput: PairedRow[] = WORKLOADS.flatMap((workload) =>
    TARGETS.map((target) => {
      const runs = samples.get(`${workload.name}\0${target}`) ?? [];
      const of = (pick: (run: { target: Measured; control: Measured }) => number) => median(runs.map(pick));
      return {
        workload: workload.name,
        target,
        rps: of((r) => r.target.rps),
        controlRps: of((r) => r.control.rps),
        rpsRatio: of((r) => r.target.rps / r.control.rps),
        cpuMsPerRequest: of((r) => r.target.cpuMsPerRequest),
        controlCpuMsPerRequest: of((r) => r.control.cpuMsPerRequest),
        cpuRatio: of((r) => r.target.cpuMsPerRequest / r.control.cpuMsPerRequest),
        p50Ms: of((r) => r.target.p50Ms),
        p99Ms: of((r) => r.target.p99Ms),
        failures: runs.reduce((n, r) => n + failuresOf(r.target) + failuresOf(r.control), 0),
      };
    }),
  );

  const steady: SteadyRow[] = [];
  // The saturating runs compare each target at its own highest rate, where a faster process shares the
  // cost of each wake-up among more requests; at one rate for both, CPU per request compares like with like.
  const rates =
    settings.cpuRate > 0 && settings.cpuRate !== settings.rate ? [settings.rate, settings.cpuRate] : [settings.rate];
  for (const rate of rates) {
    for (const workload of WORKLOADS) {
      const rounds: { proxy: Measured; control: Measured; eventLoopP99Ms: number }[] = [];
      for (let round = 0; round < settings.rounds; round++) {
        log(`steady ${rate} req/s, round ${round + 1}/${settings.rounds}: ${workload.name}, with the control`);
        await scrape(proxy.metricsUrl);
        const { target, control } = await paired('scim-proxy', {
          requests: [workload.request],
          connections: 8,
          overallRate: rate,
          paced: true,
          ...span(settings.steadySeconds, 100),
        });
        const { eventLoopP99Ms } = await scrape(proxy.metricsUrl);
        rounds.push({ proxy: target, control, eventLoopP99Ms });
      }
      const of = (pick: (run: (typeof rounds)[number]) => number) => median(rounds.map(pick));
      steady.push({
        workload: workload.name,
        rate,
        controlP50Ms: of((r) => r.control.p50Ms),
        controlP99Ms: of((r) => r.control.p99Ms),
        proxyP50Ms: of((r) => r.proxy.p50Ms),
        proxyP99Ms: of((r) => r.proxy.p99Ms),
        addedP99Ms: of((r) => r.proxy.p99Ms - r.control.p99Ms),
        eventLoopP99Ms: of((r) => r.eventLoopP99Ms),
        proxyCpuMsPerRequest: of((r) => r.proxy.cpuMsPerRequest),
        controlCpuMsPerRequest: of((r) => r.control.cpuMsPerRequest),
        cpuRatio: of((r) => r.proxy.cpuMsPerRequest / r.control.cpuMsPerRequest),
        failures: rounds.reduce((n, r) => n + failuresOf(r.proxy) + failuresOf(r.control), 0),
      });
    }
  }

  const memory: MemoryMark[] = [
    {
      label: 'idle, before any request',
      requests: 0,
      rssMb: idle.rssBytes / 2 ** 20,
      heapUsedMb: idle.heapUsedBytes / 2 ** 20,
      heapTotalMb: idle.heapTotalBytes / 2 ** 20,
      gcMsPerRequest: Number.NaN,
      fullCollectionsPer10k: Number.NaN,
      cpuMsPerRequest: Number.NaN,
      eventLoopP99Ms: idle.eventLoopP99Ms,
      failures: 0,
    },
  ];
  // Resets the event-loop histogram, so each mark's delay covers its own run only.
  let previous = await scrape(proxy.metricsUrl);
  let sent = 0;
  for (const _ of [1, 2]) {
    log(`memory: ${settings.memoryRequests.toLocaleString('en')} mixed requests through scim-proxy`);
    const cpuBefore = await cpuMs(pids['scim-proxy']);
    const result = await load({
      url: urls['scim-proxy'],
      requests: mixed,
      connections: settings.connections,
      amount: settings.memoryRequests,
    });
    const served = result.ok + result.non2xx;
    const cpu = (await cpuMs(pids['scim-proxy'])) - cpuBefore;
    sent += served;
    const sample = await scrape(proxy.metricsUrl);
    memory.push({
      label: `after ${sent.toLocaleString('en')}`,
      requests: sent,
      rssMb: sample.rssBytes / 2 ** 20,
      heapUsedMb: sample.heapUsedBytes / 2 ** 20,
      heapTotalMb: sample.heapTotalBytes / 2 ** 20,
      ...collectionsBetween(previous, sample, served),
      cpuMsPerRequest: cpu / served,
      eventLoopP99Ms: sample.eventLoopP99Ms,
      failures: failuresOf(result),
    });
    previous = sample;
  }
  const peakMb = (cages['scim-proxy'].peakBytes() ?? Number.NaN) / 2 ** 20;

  log(`the largest answer read whole (${(settings.largeAnswerBytes / 2 ** 20).toFixed(1)} MiB), twice at once`);
  const large = await largeAnswer();

  const how = quick
    ? `quick mode: ${settings.connections} connections, 300 requests per run`
    : `${settings.connections} connections, ${settings.durationSeconds} s per run, median of ${settings.rounds} rounds`;
  return {
    settings: [
      `Measured ${new Date().toISOString()} on ${machineLine}.`,
      `Load: autocannon, ${how}. Every run on a target was made at the same moment as the same run on the control (a second pass-through in front of a second upstream), each from a load generator of its own; ratios are to the control in the same run, medians over rounds.`,
      `Warm-up: each target loaded with the mixed workloads in 3 s windows until its CPU per request settled (the last window within ${WARM_UP.tolerance * 100}% of the two before it; ${WARM_UP.minWindows} to ${WARM_UP.maxWindows} windows): ${warmUpLine(warmedUp)}.`,
      `Proxies: each in its own process with the image's NODE_OPTIONS (${v8Flags.join(' ') || 'none'}), each in ${cages['scim-proxy'].how} (the chart's ${limit.quantity}).`,
    ].join('\n'),
    throughput,
    steady,
    steadyRate: settings.rate,
    cpuRate: settings.cpuRate > 0 ? settings.cpuRate : Number.NaN,
    cost,
    memory,
    cgroupPeakMb: peakMb,
    large,
  };
}

function warmUpLine(warmedUp: Partial<Record<string, WarmedUp>>): string {
  return Object.entries(warmedUp)
    .map(([target, w]) => {
      const windows = w?.windows ?? [];
      const first = windows[0] ?? Number.NaN;
      const last = windows.at(-1) ?? Number.NaN;
      return `${target} ${first.toFixed(3)} → ${last.toFixed(3)} ms in ${windows.length} windows${w?.settled ? '' : ' (not settled)'}`;
    })
    .join('; ');
}

/** Two of the largest answers the proxy reads whole, at once, through a response rule; it must stay up. */
async function largeAnswer(): Promise<LargeAnswer> {
  const expected = (await (await fetch(new URL(largeGroupRequest.path, urls.direct))).arrayBuffer()).byteLength;
  const get = () =>
    fetch(new URL(largeGroupRequest.path, urls['scim-proxy']), { headers: largeGroupRequest.headers }).then(
      async (res) => res.status === 200 && (await res.arrayBuffer()).byteLength === expected,
      () => false,
    );
  const answered = (await Promise.all([get(), get()])).filter(Boolean).length;
  const after = await scrape(proxy.metricsUrl).catch(() => undefined);
  return {
    bytes: expected,
    sent: 2,
    answered,
    alive: after !== undefined && proxy.process.exitCode === null && proxy.process.signalCode === null,
    rssMb: (after?.rssBytes ?? Number.NaN) / 2 ** 20,
    cgroupPeakMb: (cages['scim-proxy'].peakBytes() ?? Number.NaN) / 2 ** 20,
  };
}
