// scim-proxy exactly as the image runs it: `node dist/main.js` (compiled by tsc, as `npm run build`
// does), configured through the environment, with metrics and the audit trail on stdout. Running
// the compiled files matters for memory: type stripping of the .ts sources alone adds tens of MB
// of RSS that production never has. `source: true` runs src/main.ts instead.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../test/support/process.ts';
import { BENCH_MAS_TOKEN, BENCH_SCIM_TOKEN } from './workloads.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
// A folder at the top of the clone, as dist/ is (the rules are found at ../rules from it), and one
// .gitignore already ignores; not dist/ itself, which belongs to `npm run build`.
const BUILD_DIR = path.join(ROOT, 'dist-test-bench');

export interface ProxyProcess {
  url: string;
  metricsUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  /** Run src/main.ts with type stripping instead of the compiled files. */
  source?: boolean;
  /** Extra flags for node (`--cpu-prof`). */
  execArgv?: readonly string[];
  env?: Record<string, string>;
  /** Runs node through this (a memory cgroup's shell, bench/memory-limit.ts). */
  wrap?: (argv: readonly string[]) => string[];
  /** A copy of the project to build and run instead of this one (bench/ab.ts). */
  root?: string;
}

/** Compiles `root`'s src/ to its BUILD_DIR; the entry point to run. */
export async function build(root = ROOT): Promise<string> {
  const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
  const outDir = root === ROOT ? BUILD_DIR : path.join(root, 'dist');
  const main = path.join(outDir, 'main.js');
  try {
    await promisify(execFile)(tsc, ['-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: root });
  } catch (error) {
    // tsc still writes its output when some file has a type error; only a missing entry point stops us.
    if (!existsSync(main)) throw error;
  }
  return main;
}

export async function startProxy(masUrl: string, options: ProxyOptions = {}): Promise<ProxyProcess> {
  const root = options.root ?? ROOT;
  const entry = options.source ? path.join(root, 'src', 'main.ts') : await build(root);
  const [port, metricsPort] = [await freePort(), await freePort()];
  const [command, ...args] = (options.wrap ?? ((argv) => [...argv]))([
    process.execPath,
    ...(options.execArgv ?? []),
    entry,
  ]);
  const child = spawn(command as string, args, {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      MAS_URL: masUrl,
      SCIM_TOKEN: BENCH_SCIM_TOKEN,
      MAS_TOKEN: BENCH_MAS_TOKEN,
      ...options.env,
    },
    // stdout carries one audit line per request: to /dev/null, as a log collector would take it away.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await ready(`${url}/readyz`, child);
  return {
    url,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        // SIGTERM drains and exits normally, which is when --cpu-prof writes its profile.
        child.kill('SIGTERM');
      }),
  };
}

async function ready(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`scim-proxy exited with ${child.exitCode} before it was ready`);
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`scim-proxy did not become ready at ${url} within 15 s`);
}
