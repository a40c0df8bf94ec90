// A real Prometheus (and promtool) for the tests: Debian's `prometheus` package provides both. Each
// test runs its own server in a temporary directory, scraping the proxy every second.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from '../support/process.ts';

export const INSTALL_HINT = 'apt-get update && apt-get install -y prometheus';

/**
 * True when the binary runs. Missing binaries fail the test in CI (CI=true), where they must be
 * installed, and skip it elsewhere.
 */
export function requireBinary(t: TestContext, name: 'prometheus' | 'promtool'): boolean {
  const found = spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
  if (found) return true;
  if (process.env.CI === 'true') throw new Error(`${name} is not installed; CI needs it: ${INSTALL_HINT}`);
  t.skip(`${name} is not installed (${INSTALL_HINT})`);
  return false;
}

export interface PrometheusQueryResult {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

export interface Prometheus {
  query(expr: string): Promise<PrometheusQueryResult>;
  get<T>(apiPath: string): Promise<T>;
  close(): Promise<void>;
}

export interface PrometheusOptions {
  target: string;
  job: string;
  /** Target labels, standing in for what Kubernetes service discovery adds (namespace, pod). */
  labels: Record<string, string>;
  ruleFile: string;
}

export async function startPrometheus(options: PrometheusOptions): Promise<Prometheus> {
  const dir = mkdtempSync(path.join(tmpdir(), 'scim-proxy-prometheus-'));
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    rule_files: [path.resolve(options.ruleFile)],
    scrape_configs: [
      { job_name: options.job, static_configs: [{ targets: [options.target], labels: options.labels }] },
    ],
  };
  writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(config));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited at start:\n${stderr}`);
    const ready = await fetch(`${base}/-/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await close();
      throw new Error(`prometheus was not ready within 20 s:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const get = async <T>(apiPath: string): Promise<T> => (await (await fetch(`${base}${apiPath}`)).json()) as T;
  return {
    get,
    query: (expr) => get<PrometheusQueryResult>(`/api/v1/query?query=${encodeURIComponent(expr)}`),
    close,
  };
}

/** Polls until the expression returns data, or fails after the timeout. */
export async function waitForData(prometheus: Prometheus, expr: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await prometheus.query(expr);
    if (answer.status === 'success' && (answer.data?.result.length ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error(`no data for ${expr} within ${timeoutMs} ms: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
