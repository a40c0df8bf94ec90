// The benchmark's findings as Markdown tables (read the same on a terminal and in RESULTS.md), and
// each target of issue 6 judged against them.
import type { CostRow } from './cost.ts';
import type { LoadResult } from './load.ts';

export const TARGETS = ['direct', 'pass-through', 'scim-proxy'] as const;
export type Target = (typeof TARGETS)[number];

export interface ThroughputRow {
  workload: string;
  target: Target;
  /** Medians over the rounds. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the target's own process per request: holds on a shared machine, where req/s does not. */
  cpuMsPerRequest: number;
  /** Non-2xx answers and connection errors over all rounds. */
  failures: number;
}

export interface SteadyRow {
  workload: string;
  passThrough: LoadResult;
  proxy: LoadResult;
  /** In the scim-proxy process during its steady run. */
  eventLoopP99Ms: number;
}

export interface MemoryMark {
  label: string;
  requests: number;
  rssMb: number;
  heapMb: number;
  eventLoopP99Ms: number;
  failures: number;
}

export interface Findings {
  settings: string;
  throughput: ThroughputRow[];
  steady: SteadyRow[];
  steadyRate: number;
  cost: CostRow[];
  memory: MemoryMark[];
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

const ratio = (findings: Findings, workload: string): number => {
  const of = (target: Target) => findings.throughput.find((r) => r.workload === workload && r.target === target);
  return (of('scim-proxy')?.rps ?? Number.NaN) / (of('pass-through')?.rps ?? Number.NaN);
};

export function verdicts(findings: Findings): Verdict[] {
  const out: Verdict[] = [];
  for (const workload of ['group-remove-10', 'user-patch-pathless', 'user-get-username']) {
    const r = ratio(findings, workload);
    out.push({
      target: `${workload}: scim-proxy throughput ≥ 60% of pass-through`,
      measured: `${fixed(r * 100, 0)}%`,
      met: r >= 0.6,
    });
  }
  const added = Math.max(...findings.steady.map((s) => s.proxy.p99Ms - s.passThrough.p99Ms));
  out.push({
    target: `p99 added over pass-through at ${findings.steadyRate} req/s ≤ 2 ms (worst workload)`,
    measured: `${fixed(added)} ms`,
    met: added <= 2,
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
  const loaded = findings.memory.filter((m) => m.requests > 0);
  const rss = Math.max(...loaded.map((m) => m.rssMb));
  out.push({ target: 'RSS ≤ 150 MB under load', measured: `${fixed(rss, 0)} MB`, met: rss <= 150 });
  const [first, second] = loaded.slice(-2);
  if (first && second) {
    const grew = second.rssMb - first.rssMb;
    out.push({
      target: `RSS flat between ${first.label} and ${second.label} (grows ≤ 10 MB)`,
      measured: `${grew >= 0 ? '+' : ''}${fixed(grew, 1)} MB`,
      met: grew <= 10,
    });
  }
  const steadyLag = Math.max(...findings.steady.map((x) => x.eventLoopP99Ms));
  out.push({
    target: `event-loop delay p99 ≤ 20 ms at ${findings.steadyRate} req/s (worst workload)`,
    measured: `${fixed(steadyLag, 1)} ms`,
    met: steadyLag <= 20,
  });
  const lag = Math.max(...loaded.map((m) => m.eventLoopP99Ms));
  out.push({
    target: 'event-loop delay p99 ≤ 20 ms at saturation (the memory runs)',
    measured: `${fixed(lag, 1)} ms`,
    met: lag <= 20,
  });
  const failures =
    findings.throughput.reduce((n, r) => n + r.failures, 0) +
    findings.steady.reduce(
      (n, s) => n + s.proxy.non2xx + s.proxy.errors + s.passThrough.non2xx + s.passThrough.errors,
      0,
    ) +
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
    ['workload', 'target', 'req/s', 'p50 ms', 'p99 ms', 'ratio to pass-through', 'failed', 'CPU ms per request'],
    findings.throughput.map((r) => [
      r.workload,
      r.target,
      fixed(r.rps, 0),
      fixed(r.p50Ms),
      fixed(r.p99Ms),
      fixed(
        r.rps /
          (findings.throughput.find((p) => p.workload === r.workload && p.target === 'pass-through')?.rps ??
            Number.NaN),
      ),
      r.failures,
      fixed(r.cpuMsPerRequest, 3),
    ]),
  );
  const steady = table(
    [
      'workload',
      'pass-through p50 ms',
      'pass-through p99 ms',
      'scim-proxy p50 ms',
      'scim-proxy p99 ms',
      'p99 added ms',
      'scim-proxy event-loop p99 ms',
    ],
    findings.steady.map((s) => [
      s.workload,
      fixed(s.passThrough.p50Ms),
      fixed(s.passThrough.p99Ms),
      fixed(s.proxy.p50Ms),
      fixed(s.proxy.p99Ms),
      fixed(s.proxy.p99Ms - s.passThrough.p99Ms),
      fixed(s.eventLoopP99Ms, 1),
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
    ['mark', 'requests', 'RSS MB', 'heap used MB', 'event-loop p99 ms', 'failed'],
    findings.memory.map((m) => [
      m.label,
      m.requests.toLocaleString('en'),
      fixed(m.rssMb, 1),
      fixed(m.heapMb, 1),
      fixed(m.eventLoopP99Ms, 1),
      m.failures,
    ]),
  );
  const targets = table(
    ['target', 'measured', 'met'],
    verdicts(findings).map((v) => [v.target, v.measured, v.met ? 'yes' : 'NO']),
  );
  return [
    findings.settings,
    '',
    '### Throughput',
    '',
    throughput,
    '',
    `### Latency at a steady ${findings.steadyRate} req/s`,
    '',
    steady,
    '',
    '### Rewrite cost of a legacy member removal (in process)',
    '',
    cost,
    '',
    '### Memory and event loop (inside the scim-proxy process, mixed workloads)',
    '',
    memory,
    '',
    '### Targets',
    '',
    targets,
    '',
  ].join('\n');
}
