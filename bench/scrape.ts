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
  eventLoopP99Ms: number;
  /** Sums of the proxy's own duration histograms, for its share of a request's time. */
  requestSeconds: number;
  upstreamSeconds: number;
  requests: number;
}

export async function scrape(metricsUrl: string): Promise<ProcessSample> {
  const text = await (await fetch(metricsUrl)).text();
  const total = (name: string): number => {
    let sum = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  };
  return {
    rssBytes: total('process_resident_memory_bytes'),
    heapUsedBytes: total('nodejs_heap_size_used_bytes'),
    heapTotalBytes: total('nodejs_heap_size_total_bytes'),
    externalBytes: total('nodejs_external_memory_bytes'),
    gcSeconds: total('nodejs_gc_duration_seconds_sum'),
    // prom-client samples the loop with a 10 ms timer and records whole intervals, timer included:
    // even an idle process shows ~10 ms. The delay is what lies beyond the shortest interval seen.
    eventLoopP99Ms: (total('nodejs_eventloop_lag_p99_seconds') - total('nodejs_eventloop_lag_min_seconds')) * 1000,
    requestSeconds: total('scim_proxy_request_duration_seconds_sum'),
    upstreamSeconds: total('scim_proxy_upstream_request_duration_seconds_sum'),
    requests: total('scim_proxy_request_duration_seconds_count'),
  };
}
