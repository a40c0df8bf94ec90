// Runs scim-proxy as an administrator does, in a child process: what it prints, and its exit code.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..', '..');
const BIN = path.join(root, 'bin', 'scim-proxy.js');
const MAIN = path.join(root, 'src', 'main.ts');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a clean shell: PATH only, so the developer's own variables cannot leak in. */
export const cleanEnv = (env: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, ...env });

async function run(file: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): Promise<Finished> {
  const child = spawn(process.execPath, [file, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], cwd: root });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  child.stdin.end(input ?? '');
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}

/** `scim-proxy ARGS`, answering `input` to whatever it asks. */
export const scimProxy = (args: readonly string[], env: Record<string, string> = {}, input?: string) =>
  run(BIN, args, cleanEnv(env), input);

/** The server process itself (`npm start`), for the cases that end before it serves. */
export const server = (env: Record<string, string> = {}, args: readonly string[] = []) =>
  run(MAIN, args, cleanEnv(env));

/** A stack trace's mark: a line starting with "at " and a file position. */
export const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

/** A port nothing listens on right now, for a child process that cannot be told port 0. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** Waits until `url`/readyz answers 200; fails with what the process printed if it exits or takes a minute. */
export async function untilReady(url: string, child: { exitCode: number | null }, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`${url} did not become ready:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
