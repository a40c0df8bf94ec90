// A proxy answers for days; what counts is its CPU per request once V8 has compiled its hot paths
// and sized its heap. scim-proxy has far more code on the request path than a pass-through: on a
// fresh process its CPU per request falls from about 2.5 times its settled figure in the first 3 s
// to within a few percent of it after 15–30 s of load. Every target is therefore loaded in windows
// until its CPU per request settles, before anything is measured.
import { median } from './percentile.ts';

export interface WarmUpOptions {
  /** Windows always run (3 s each in the benchmark). */
  minWindows: number;
  /** Windows at most, settled or not. */
  maxWindows: number;
  /** Settled when the last window is within this fraction of the median of the two before it. */
  tolerance: number;
}

export const WARM_UP: WarmUpOptions = Object.freeze({ minWindows: 5, maxWindows: 20, tolerance: 0.05 });

export interface WarmedUp {
  /** CPU ms per request of each window, in order. */
  windows: number[];
  settled: boolean;
}

/** Runs `window` (one load window, answering the target's CPU ms per request) until the figure settles. */
export async function warmUp(window: () => Promise<number>, options: WarmUpOptions = WARM_UP): Promise<WarmedUp> {
  const windows: number[] = [];
  while (windows.length < options.maxWindows) {
    windows.push(await window());
    if (windows.length >= options.minWindows && settled(windows, options.tolerance)) return { windows, settled: true };
  }
  return { windows, settled: false };
}

export function settled(windows: readonly number[], tolerance: number): boolean {
  if (windows.length < 3) return false;
  const last = windows.at(-1) as number;
  const before = median(windows.slice(-3, -1));
  return Number.isFinite(last) && Number.isFinite(before) && Math.abs(last - before) <= tolerance * before;
}
