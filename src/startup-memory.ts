// What starting leaves behind in memory. Loading the modules, parsing and checking the configuration
// and the rules allocate fast and keep much of it, so V8 grows its young generation to the maximum
// (the image's --max-semi-space-size=8: two 8 MB halves, both touched) and keeps the garbage: no
// collection runs while a replica waits for its first request. Measured in the chart's memory limit,
// that is 20 MB of an idle replica's RSS (106 MB before, 86 MB after; bench/RESULTS.md). Under load
// the young generation grows back to its maximum within the first scavenges, as it does after start.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * One memory-reducing full collection (the one V8 runs as its last resort before running out of
 * heap): it collects the start-up garbage, returns the empty pages and shrinks the young generation
 * back to its initial size. About 0.1 s, once, after the listeners are up and before the proxy reports
 * ready (service.ts, beforeReady), so no request routed to a ready pod waits for it.
 */
export function releaseStartupMemory(): void {
  collector()({ type: 'major', flavor: 'last-resort' });
}

/**
 * V8's gc(), without exposing it to every module: Node has no other way to ask for a collection.
 * The flag is set only while the one context that takes the function is made, then withdrawn.
 */
function collector(): NodeJS.GCFunction {
  if (globalThis.gc) return globalThis.gc;
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as NodeJS.GCFunction;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
