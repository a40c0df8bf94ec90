// Each server and the load generator run in a process of their own, so none of them shares an
// event loop (or a garbage collector) with what it measures. They talk to the parent over IPC.
import { type ChildProcess, fork } from 'node:child_process';

export interface Child<Ready> {
  process: ChildProcess;
  ready: Ready;
  /** Sends one request and waits for the answer carrying the same `seq`. */
  ask<T>(message: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Extra flags for node itself (`--cpu-prof`). */
  execArgv?: readonly string[];
  env?: Record<string, string>;
  /** The child's stdout; the proxy writes its audit trail there, so it goes to /dev/null by default. */
  stdout?: 'ignore' | 'inherit';
  /** Runs node through this (a memory cgroup's shell, bench/memory-limit.ts). */
  wrap?: (argv: readonly string[]) => string[];
}

/** Forks `file`, waits for its first message (`{ ready: ... }`) and returns a handle on it. */
export function startChild<Ready>(
  file: URL,
  args: readonly string[] = [],
  options: StartOptions = {},
): Promise<Child<Ready>> {
  const [execPath, ...execArgv] = (options.wrap ?? ((argv) => [...argv]))([
    process.execPath,
    ...(options.execArgv ?? []),
  ]);
  const child = fork(file, [...args], {
    execPath,
    execArgv,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', options.stdout ?? 'ignore', 'inherit', 'ipc'],
  });
  let seq = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  return new Promise((resolve, reject) => {
    const early = (code: number | null) =>
      reject(new Error(`${file.pathname} exited with ${code} before it was ready`));
    child.once('exit', early);
    child.once('error', reject);
    child.on('message', (raw) => {
      const message = raw as { ready?: Ready; seq?: number; error?: string };
      if (message.ready !== undefined) {
        child.off('exit', early);
        resolve({ process: child, ready: message.ready, ask, stop });
        return;
      }
      if (message.seq !== undefined) {
        waiting.get(message.seq)?.(message);
        waiting.delete(message.seq);
      }
    });
  });

  function ask<T>(message: Record<string, unknown>): Promise<T> {
    const id = ++seq;
    return new Promise<T>((resolve, reject) => {
      const gone = () => reject(new Error(`${file.pathname} exited while answering ${String(message.type)}`));
      child.once('exit', gone);
      waiting.set(id, (answer) => {
        child.off('exit', gone);
        const { error } = answer as { error?: string };
        if (error) reject(new Error(error));
        else resolve(answer as T);
      });
      child.send({ ...message, seq: id });
    });
  }

  function stop(): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

/** In a child: tells the parent it is ready, and answers its requests with `handle`. */
export function serveParent<Ready>(
  ready: Ready,
  handle?: (message: { type: string } & Record<string, unknown>) => Promise<unknown>,
): void {
  process.on('message', (raw) => {
    const message = raw as { type: string; seq: number } & Record<string, unknown>;
    Promise.resolve()
      .then(() => handle?.(message))
      .then(
        (answer) => process.send?.({ ...(answer as object), seq: message.seq }),
        (error: Error) => process.send?.({ seq: message.seq, error: error.stack ?? error.message }),
      );
  });
  // The parent gone, nothing is left to serve.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready });
}
