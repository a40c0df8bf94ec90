// The pod's memory limit on this machine. The chart's `resources.limits.memory` is read from its
// values; scim-proxy then runs inside a memory cgroup of that size where one can be made (root on
// cgroup v1, or a delegated cgroup v2), so Node sizes its heap from the limit exactly as it does in
// the container and the kernel enforces it. Elsewhere the V8 limits Node would derive are given as
// flags instead (see derivedHeapFlags).
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const VALUES = path.resolve(import.meta.dirname, '../helm/scim-proxy/values.yaml');
const UNITS: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9 };

/** `384Mi` → bytes, as Kubernetes reads a quantity. */
export function quantityBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(quantity.trim());
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? ''] as number));
}

/** The chart's memory limit for the scim-proxy container. */
export function chartMemoryLimit(values = VALUES): { quantity: string; bytes: number } {
  const quantity = String(
    (parse(readFileSync(values, 'utf8')) as { resources?: { limits?: { memory?: string } } }).resources?.limits?.memory,
  );
  return { quantity, bytes: quantityBytes(quantity) };
}

/**
 * The heap limits Node 24 gives itself in a container of `bytes`, as measured here in memory cgroups
 * (heap_size_limit = old space + 3 semi-spaces): 192Mi to 512Mi → a 256 MB old space (V8's floor on
 * 64 bits) and 1 MB semi-spaces; 600Mi to 1Gi → half the limit and 16 MB; 2Gi → 1 GB and 32 MB.
 * Flags given explicitly (NODE_OPTIONS) win over these, as they do in the pod.
 */
export function derivedHeapFlags(bytes: number): string[] {
  const oldMb = Math.max(256, Math.floor(bytes / 2 / 2 ** 20));
  const semiMb = oldMb <= 256 ? 1 : oldMb < 1024 ? 16 : 32;
  return [`--max-old-space-size=${oldMb}`, `--max-semi-space-size=${semiMb}`];
}

export interface MemoryCage {
  /** How the limit is applied, for the results. */
  how: string;
  /** Runs `argv` inside the limit: a shell that joins the cgroup and execs it, or argv as is. */
  wrap(argv: readonly string[]): string[];
  /** Flags to add to node's own when no cgroup is there to make Node derive them. */
  flags: string[];
  /** The cgroup's peak usage so far (bytes), where the kernel keeps one. */
  peakBytes(): number | undefined;
  remove(): Promise<void>;
}

/** A memory cgroup of `bytes` named `name`, or the V8 flags Node would derive inside one. */
export function memoryCage(name: string, bytes: number): MemoryCage {
  const dir = makeCgroup(`scim-proxy-bench-${process.pid}-${name}`, bytes);
  if (!dir) {
    return {
      how: `no cgroup could be made here: the V8 limits Node derives in a ${mb(bytes)} container, as flags`,
      wrap: (argv) => [...argv],
      flags: derivedHeapFlags(bytes),
      peakBytes: () => undefined,
      remove: async () => {},
    };
  }
  const v2 = dir.kind === 'v2';
  return {
    how: `a memory cgroup (${dir.kind}) limited to ${mb(bytes)}`,
    wrap: (argv) => ['/bin/sh', '-c', `echo $$ > '${path.join(dir.path, 'cgroup.procs')}' && exec "$@"`, 'sh', ...argv],
    flags: [],
    peakBytes: () => {
      try {
        return Number(readFileSync(path.join(dir.path, v2 ? 'memory.peak' : 'memory.max_usage_in_bytes'), 'utf8'));
      } catch {
        return undefined;
      }
    },
    remove: async () => {
      // The kernel lets a cgroup go a moment after its last process has exited: try for a second.
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          rmdirSync(dir.path);
          return;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
  };
}

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

function makeCgroup(name: string, bytes: number): { path: string; kind: 'v1' | 'v2' } | undefined {
  if (process.platform !== 'linux') return undefined;
  const attempts: { path: string; kind: 'v1' | 'v2'; limitFile: string }[] = [
    { path: path.join('/sys/fs/cgroup/memory', name), kind: 'v1', limitFile: 'memory.limit_in_bytes' },
  ];
  // cgroup v2: a child of this process's own cgroup, which is where a delegated user may write.
  const own = /^0::(.*)$/m.exec(readOr('/proc/self/cgroup'))?.[1];
  if (own !== undefined && readOr('/sys/fs/cgroup/cgroup.controllers').includes('memory')) {
    attempts.push({ path: path.join('/sys/fs/cgroup', own, name), kind: 'v2', limitFile: 'memory.max' });
  }
  for (const attempt of attempts) {
    try {
      mkdirSync(attempt.path);
    } catch {
      continue;
    }
    try {
      writeFileSync(path.join(attempt.path, attempt.limitFile), String(bytes));
      return attempt;
    } catch {
      try {
        rmdirSync(attempt.path);
      } catch {}
    }
  }
  return undefined;
}

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
