// The benchmark's findings as Markdown tables (read the same on a terminal and in RESULTS.md), and
// each target of issue 15 judged against them.
import type { CostRow } from './cost.ts';

export const TARGETS = ['direct', 'pass-through', 'express-floor', 'scim-proxy'] as const;
export type Target = (typeof TARGETS)[number];

/** A target measured at the same moment as the control; every figure is a median over the rounds. */
export interface PairedRow {
  workload: string;
  target: Target;
  rps: number;
  controlRps: number;
  /** Of the per-round ratios, not a ratio of medians. */
  rpsRatio: number;
  /** CPU time of the target's own process per request: holds on a shared machine, where req/s does not. */
  cpuMsPerRequest: number;
  controlCpuMsPerRequest: number;
  cpuRatio: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers and connection errors over all rounds, the control's included. */
  failures: number;
}

export interface SteadyRow {
  workload: string;
  /** The rate both were loaded at, req/s. */
  rate: number;
  controlP50Ms: number;
  controlP99Ms: number;
  proxyP50Ms: number;
  proxyP99Ms: number;
  /** Median over rounds of scim-proxy's p99 less the control's in the same round. */
  addedP99Ms: number;
  /** In the scim-proxy process during its steady runs. */
  eventLoopP99Ms: number;
  proxyCpuMsPerRequest: number;
  controlCpuMsPerRequest: number;
  /** Median over rounds of scim-proxy's CPU per request over the control's, both at `rate`. */
  cpuRatio: number;
  failures: number;
}

export interface MemoryMark {
  label: string;
  requests: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** Garbage collection and CPU during the run up to this mark, per request served. */
  gcMsPerRequest: number;
  /** Full collections during the run up to this mark, per 10,000 requests served. */
  fullCollectionsPer10k: number;
  cpuMsPerRequest: number;
  eventLoopP99Ms: number;
  failures: number;
}

export interface LargeAnswer {
  bytes: number;
  sent: number;
  /** Answered 200 with every byte. */
  answered: number;
  /** The proxy still running and answering its metrics afterwards. */
  alive: boolean;
  rssMb: number;
  cgroupPeakMb: number;
}

export interface Findings {
  settings: string;
  throughput: PairedRow[];
  steady: SteadyRow[];
  /** The rate of the latency comparison. */
  steadyRate: number;
  /** The rate of the CPU comparison at the same load (NaN when not run). */
  cpuRate: number;
  cost: CostRow[];
  memory: MemoryMark[];
  /** The scim-proxy cgroup's peak over the memory runs (NaN without a cgroup). */
  cgroupPeakMb: number;
  large: LargeAnswer;
}

export interface Verdict {
  target: string;
  measured: string;
  met: boolean;
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly (string | number)[])[]) =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

const find = (findings: Findings, workload: string, target: Target) =>
  findings.throughput.find((r) => r.workload === workload && r.target === target);
const workloads = (findings: Findings) => [...new Set(findings.throughput.map((r) => r.workload))];

export function verdicts(findings: Findings): Verdict[] {
  const out: Verdict[] = [];
  for (const workload of workloads(findings)) {
    const cpu = find(findings, workload, 'scim-proxy')?.cpuRatio ?? Number.NaN;
    out.push({
      target: `${workload}: scim-proxy CPU per request ≤ 2× the pass-through's, each as fast as it goes`,
      measured: `${fixed(cpu)}×`,
      met: cpu <= 2,
    });
  }
  for (const row of findings.steady.filter((s) => s.rate === findings.cpuRate)) {
    out.push({
      target: `${row.workload}: scim-proxy CPU per request ≤ 2× the pass-through's, both at ${row.rate} req/s`,
      measured: `${fixed(row.cpuRatio)}×`,
      met: row.cpuRatio <= 2,
    });
  }
  const removal = find(findings, 'group-remove-10', 'scim-proxy')?.rpsRatio ?? Number.NaN;
  out.push({
    target: 'group-remove-10: scim-proxy throughput ≥ 50% of the pass-through',
    measured: `${fixed(removal * 100, 0)}%`,
    met: removal >= 0.5,
  });
  const latency = findings.steady.filter((s) => s.rate === findings.steadyRate);
  const added = Math.max(...latency.map((s) => s.addedP99Ms));
  out.push({
    target: `p99 added over the pass-through at ${findings.steadyRate} req/s ≤ 2 ms (worst workload)`,
    measured: `${fixed(added)} ms`,
    met: added <= 2,
  });
  const loaded = findings.memory.filter((m) => m.requests > 0);
  const rss = Math.max(...loaded.map((m) => m.rssMb));
  out.push({
    target: 'RSS under sustained load ≤ 150 MB, in the chart’s memory limit',
    measured: `${fixed(rss, 0)} MB`,
    met: rss <= 150,
  });
  const [first, second] = loaded.slice(-2);
  if (first && second) {
    const grew = second.rssMb - first.rssMb;
    out.push({
      target: `RSS flat between ${first.label} and ${second.label} (grows ≤ 10 MB)`,
      measured: `${grew >= 0 ? '+' : ''}${fixed(grew, 1)} MB`,
      met: grew <= 10,
    });
  }
  const idle = findings.memory.find((m) => m.requests === 0)?.rssMb ?? Number.NaN;
  out.push({ target: 'RSS idle ≤ 90 MB', measured: `${fixed(idle, 0)} MB`, met: idle <= 90 });
  const { large } = findings;
  out.push({
    target: `the largest answer read whole (${fixed(large.bytes / 2 ** 20, 1)} MiB) answered inside the limit, twice at once`,
    measured: `${large.answered} of ${large.sent}, ${large.alive ? 'still up' : 'DOWN'}`,
    met: large.answered === large.sent && large.alive,
  });
  const largest = findings.cost.at(-1);
  const previous = findings.cost.at(-2);
  if (largest) {
    out.push({
      target: `rewrite of a ${largest.members.toLocaleString('en')}-member removal ≤ 20 ms`,
      measured: `${fixed(largest.totalMs)} ms`,
      met: largest.totalMs <= 20,
    });
  }
  if (largest && previous) {
    // Linear: the cost per member does not rise with the size (within noise).
    const growth = largest.totalMs / largest.members / (previous.totalMs / previous.members);
    out.push({
      target: 'cost linear in members (µs per member at the largest size ≤ 1.5× the size before)',
      measured: `${fixed(growth)}×`,
      met: growth <= 1.5,
    });
  }
  const lag = Math.max(...findings.steady.map((x) => x.eventLoopP99Ms), ...loaded.map((m) => m.eventLoopP99Ms));
  out.push({
    target: 'event-loop delay p99 ≤ 20 ms (steady and saturating runs)',
    measured: `${fixed(lag, 1)} ms`,
    met: lag <= 20,
  });
  const failures =
    findings.throughput.reduce((n, r) => n + r.failures, 0) +
    findings.steady.reduce((n, s) => n + s.failures, 0) +
    findings.memory.reduce((n, m) => n + m.failures, 0);
  out.push({
    target: 'no failed request (non-2xx or connection error)',
    measured: String(failures),
    met: failures === 0,
  });
  return out;
}

export function render(findings: Findings): string {
  const throughput = table(
    [
      'workload',
      'target',
      'req/s',
      'control req/s',
      'req/s ratio',
      'CPU ms per request',
      'control CPU ms per request',
      'CPU ratio',
      'p50 ms',
      'p99 ms',
      'failed',
    ],
    findings.throughput.map((r) => [
      r.workload,
      r.target,
      fixed(r.rps, 0),
      fixed(r.controlRps, 0),
      fixed(r.rpsRatio),
      fixed(r.cpuMsPerRequest, 3),
      fixed(r.controlCpuMsPerRequest, 3),
      fixed(r.cpuRatio),
      fixed(r.p50Ms),
      fixed(r.p99Ms),
      r.failures,
    ]),
  );
  const floor = table(
    ['workload', 'express floor CPU ratio', 'scim-proxy CPU ratio', 'scim-proxy ÷ floor', 'CPU ms above the floor'],
    workloads(findings).map((workload) => {
      const proxy = find(findings, workload, 'scim-proxy');
      const express = find(findings, workload, 'express-floor');
      return [
        workload,
        fixed(express?.cpuRatio ?? Number.NaN),
        fixed(proxy?.cpuRatio ?? Number.NaN),
        fixed((proxy?.cpuRatio ?? Number.NaN) / (express?.cpuRatio ?? Number.NaN)),
        fixed((proxy?.cpuMsPerRequest ?? Number.NaN) - (express?.cpuMsPerRequest ?? Number.NaN), 3),
      ];
    }),
  );
  const steady = table(
    [
      'workload',
      'req/s',
      'control p50 ms',
      'control p99 ms',
      'scim-proxy p50 ms',
      'scim-proxy p99 ms',
      'p99 added ms',
      'scim-proxy event-loop p99 ms',
      'control CPU ms per request',
      'scim-proxy CPU ms per request',
      'CPU ratio',
    ],
    findings.steady.map((s) => [
      s.workload,
      s.rate,
      fixed(s.controlP50Ms),
      fixed(s.controlP99Ms),
      fixed(s.proxyP50Ms),
      fixed(s.proxyP99Ms),
      fixed(s.addedP99Ms),
      fixed(s.eventLoopP99Ms, 1),
      fixed(s.controlCpuMsPerRequest, 3),
      fixed(s.proxyCpuMsPerRequest, 3),
      fixed(s.cpuRatio),
    ]),
  );
  const cost = table(
    ['members', 'engine ms', 'parse + engine + stringify ms', 'µs per member', 'operations out'],
    findings.cost.map((c) => [
      c.members.toLocaleString('en'),
      fixed(c.engineMs),
      fixed(c.totalMs),
      fixed((c.totalMs * 1000) / c.members),
      c.operations.toLocaleString('en'),
    ]),
  );
  const memory = table(
    [
      'mark',
      'requests',
      'RSS MB',
      'heap used MB',
      'heap total MB',
      'GC ms per request',
      'full GCs per 10,000 requests',
      'CPU ms per request',
      'event-loop p99 ms',
      'failed',
    ],
    findings.memory.map((m) => [
      m.label,
      m.requests.toLocaleString('en'),
      fixed(m.rssMb, 1),
      fixed(m.heapUsedMb, 1),
      fixed(m.heapTotalMb, 1),
      fixed(m.gcMsPerRequest, 3),
      fixed(m.fullCollectionsPer10k, 1),
      fixed(m.cpuMsPerRequest, 3),
      fixed(m.eventLoopP99Ms, 1),
      m.failures,
    ]),
  );
  const { large } = findings;
  const largeLine = `Largest answer read whole: ${fixed(large.bytes / 2 ** 20, 1)} MiB through a response rule, ${large.sent} at once: ${large.answered} answered whole, proxy ${large.alive ? 'still up' : 'DOWN'}, RSS after ${fixed(large.rssMb, 0)} MB, cgroup peak ${fixed(large.cgroupPeakMb, 0)} MB (peak over the memory runs before it: ${fixed(findings.cgroupPeakMb, 0)} MB).`;
  const targets = table(
    ['target', 'measured', 'met'],
    verdicts(findings).map((v) => [v.target, v.measured, v.met ? 'yes' : 'NO']),
  );
  return [
    findings.settings,
    '',
    '### Throughput and CPU, each target against the control at the same moment',
    '',
    throughput,
    '',
    '### How far from the Express floor',
    '',
    floor,
    '',
    `### At a steady rate, scim-proxy and the control at the same moment: latency at ${findings.steadyRate} req/s${Number.isNaN(findings.cpuRate) ? '' : `, CPU per request at the same load (${findings.cpuRate} req/s)`}`,
    '',
    steady,
    '',
    '### Memory in the chart’s limit (scim-proxy alone, mixed workloads)',
    '',
    memory,
    '',
    largeLine,
    '',
    '### Rewrite cost of a legacy member removal (in process)',
    '',
    cost,
    '',
    '### Targets',
    '',
    targets,
    '',
  ].join('\n');
}
