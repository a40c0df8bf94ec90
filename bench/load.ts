// The load generator, in its own process: autocannon with fixed connections, for a fixed duration
// or number of requests, optionally at a fixed overall rate. Latencies are taken from each
// response at full (sub-millisecond) precision, not from autocannon's 1 ms histogram.
import autocannon from 'autocannon';
import { serveParent } from './child.ts';
import { runPaced } from './paced.ts';
import { percentile } from './percentile.ts';
import type { BenchRequest } from './workloads.ts';

export interface LoadJob {
  url: string;
  /** One request, or a sequence each connection cycles through. */
  requests: readonly BenchRequest[];
  connections: number;
  durationSeconds?: number;
  amount?: number;
  overallRate?: number;
  /** Send at overallRate on a fixed schedule (open loop) instead of through autocannon. */
  paced?: boolean;
}

export interface LoadResult {
  /** 2xx answers. */
  ok: number;
  non2xx: number;
  errors: number;
  /** Answers by status, to tell what failed. */
  statuses: Record<string, number>;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

export { percentile };

async function run(job: LoadJob): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    // The end of a run is noticed at the next sample: 100 ms instead of autocannon's 1 s.
    sampleInt: 100,
    ...(job.amount ? { amount: job.amount } : { duration: job.durationSeconds ?? 5 }),
    ...(job.overallRate && { overallRate: job.overallRate }),
    // Always as a sequence: autocannon ignores a top-level `path`.
    requests: job.requests.map((r) => ({ ...r })),
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status < 300) latencies.push(ms);
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  const seconds = result.duration;
  return {
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    seconds,
    rps: result['2xx'] / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

// Only when forked by the benchmark (the tests import percentile from here).
if (process.send) {
  serveParent(true, async (message) => {
    if (message.type !== 'run') return {};
    const job = message.job as LoadJob;
    return job.paced && job.overallRate ? runPaced({ ...job, overallRate: job.overallRate }) : run(job);
  });
}
