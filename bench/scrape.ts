// Reads the proxy's own view of itself from its /metrics: resident memory, heap, event-loop delay.
// prom-client resets its event-loop histogram at each scrape, so a scrape after a load run gives the
// delay during that run.

export interface ProcessSample {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  /** Time spent in garbage collection since the process started. */
  gcSeconds: number;
  /**
   * Full (mark-compact) collections since the process started. Requests that finish in the young
   * generation need none; a steady count under load means finished exchanges reach the old one.
   * prom-client records only the first collection of each batch its observer is handed: under load
   * each batch holds one (174 scavenges in 5 s by both it and --trace-gc-nvp), at start-up not.
   */
  fullCollections: number;
  eventLoopP99Ms: number;
  /** Sums of the proxy's own duration histograms, for its share of a request's time. */
  requestSeconds: number;
  upstreamSeconds: number;
  requests: number;
}

export async function scrape(metricsUrl: string): Promise<ProcessSample> {
  const text = await (await fetch(metricsUrl)).text();
  /** The sum of a metric's samples, of those with `label` only when given. */
  const total = (name: string, label?: string): number => {
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!(line.startsWith(`${name} `) || line.startsWith(`${name}{`))) continue;
      if (label === undefined || line.includes(label)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  };
  return {
    rssBytes: total('process_resident_memory_bytes'),
    heapUsedBytes: total('nodejs_heap_size_used_bytes'),
    heapTotalBytes: total('nodejs_heap_size_total_bytes'),
    externalBytes: total('nodejs_external_memory_bytes'),
    gcSeconds: total('nodejs_gc_duration_seconds_sum'),
    fullCollections: total('nodejs_gc_duration_seconds_count', 'kind="major"'),
    // prom-client samples the loop with a 10 ms timer and records whole intervals, timer included:
    // even an idle process shows ~10 ms. The delay is what lies beyond the shortest interval seen.
    eventLoopP99Ms: (total('nodejs_eventloop_lag_p99_seconds') - total('nodejs_eventloop_lag_min_seconds')) * 1000,
    requestSeconds: total('scim_proxy_request_duration_seconds_sum'),
    upstreamSeconds: total('scim_proxy_upstream_request_duration_seconds_sum'),
    requests: total('scim_proxy_request_duration_seconds_count'),
  };
}

/** Garbage collection between two samples, per request served in between. */
export function collectionsBetween(
  before: ProcessSample,
  after: ProcessSample,
  served: number,
): { gcMsPerRequest: number; fullCollectionsPer10k: number } {
  return {
    gcMsPerRequest: ((after.gcSeconds - before.gcSeconds) * 1000) / served,
    fullCollectionsPer10k: ((after.fullCollections - before.fullCollections) * 10_000) / served,
  };
}
