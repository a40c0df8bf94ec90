// Runs shell blocks of the documentation in order, as a reader would in a terminal: a block marked
// `background until "TEXT"` is left running (like `npm start` in a first terminal) once its output
// shows TEXT, the others must exit 0; background blocks are stopped at the end of their section.
// Started by readme-commands.test.ts, possibly inside a network namespace of its own.
// usage: node run-blocks.ts PLAN.json  (prints each step's output on failure; exit code 1 if any failed)
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Step {
  label: string;
  script: string;
  /** Leave it running once its output contains this text. */
  until?: string;
  /** Stop every background step once this one has run. */
  endOfSection?: boolean;
}

export interface Plan {
  cwd: string;
  env: Record<string, string>;
  steps: Step[];
  timeoutMs: number;
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(script: string, plan: Plan): Running {
  const child = spawn('bash', ['-e', '-c', script], {
    cwd: plan.cwd,
    env: plan.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function stop(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.pid === undefined) return;
  const group = -running.child.pid;
  try {
    process.kill(group, 'SIGTERM');
  } catch {
    return;
  }
  const killed = setTimeout(() => {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 15_000);
  await running.exited;
  clearTimeout(killed);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runPlan(plan: Plan): Promise<boolean> {
  const deadline = Date.now() + plan.timeoutMs;
  const background: Running[] = [];
  const report = (label: string, verdict: string, output: string) =>
    process.stdout.write(`--- ${label}: ${verdict}\n${output.slice(-6000)}\n`);
  try {
    for (const step of plan.steps) {
      const began = Date.now();
      const took = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;
      const running = start(step.script, plan);
      if (step.until !== undefined) {
        background.push(running);
        while (!running.output().includes(step.until)) {
          if (running.child.exitCode !== null || Date.now() > deadline) {
            report(step.label, `never printed "${step.until}"`, running.output());
            return false;
          }
          await sleep(200);
        }
        process.stdout.write(`--- ${step.label}: running after ${took()}\n`);
      } else {
        const timer = setTimeout(() => void stop(running), Math.max(deadline - Date.now(), 1));
        const code = await running.exited;
        clearTimeout(timer);
        if (code !== 0) {
          report(step.label, `exit code ${code}`, running.output());
          for (const other of background)
            report(`${other.child.spawnargs.at(-1)?.split('\n')[0]}`, 'its output', other.output());
          return false;
        }
        report(step.label, `exit code 0 after ${took()}`, running.output());
      }
      if (step.endOfSection) await Promise.all(background.splice(0).map(stop));
    }
    return true;
  } finally {
    await Promise.all(background.map(stop));
  }
}

if (import.meta.main) {
  const plan = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Plan;
  process.exitCode = (await runPlan(plan)) ? 0 : 1;
}
