// A steady rate, open loop: one request every 1000/rate ms on its own schedule, whether or not the
// previous ones have been answered, each timed from its scheduled start. autocannon's overallRate
// lets each connection send its share of a second at once, so "200 req/s" arrives as bursts and
// the latency measures the queue behind the burst more than the proxy.
import http from 'node:http';
import type { LoadJob, LoadResult } from './load.ts';
import { percentile } from './percentile.ts';

export async function runPaced(job: LoadJob & { overallRate: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const interval = 1000 / job.overallRate;
  const total = job.amount ?? Math.round((job.durationSeconds ?? 5) * job.overallRate);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const request = job.requests[i % job.requests.length];
    if (!request) break;
    sends.push(
      new Promise<void>((resolve) => {
        const url = new URL(request.path, job.url);
        const req = http.request(url, { method: request.method, headers: request.headers, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            const code = String(res.statusCode);
            statuses[code] = (statuses[code] ?? 0) + 1;
            if ((res.statusCode ?? 500) < 300) latencies.push(performance.now() - due);
            resolve();
          });
        });
        req.on('error', () => {
          errors += 1;
          resolve();
        });
        req.end(request.body);
      }),
    );
  }
  await Promise.all(sends);
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const ok = latencies.length;
  return {
    ok,
    non2xx: Object.entries(statuses).reduce((n, [code, count]) => n + (Number(code) >= 300 ? count : 0), 0),
    errors,
    statuses,
    seconds,
    rps: ok / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}
