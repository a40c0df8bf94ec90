// The README's demo rehearsal, run as printed: the demo started with the first block's variables,
// then every command of the second block (curl, export, doctor, profiles, rewrite, replay), each
// expected to succeed. Only the ports (8080, 8081) and ./records are swapped for free ones, so the
// test can run beside others; `npm run demo` is left out (scripts/demo.ts has its own test).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cleanEnv, scimProxy } from '../support/process.ts';

const root = path.join(import.meta.dirname, '..', '..');

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The ```sh blocks of the README section with this heading, continuation lines joined. */
async function blocks(heading: string): Promise<string[][]> {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`)) ?? assert.fail(heading);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    (m[1] as string)
      .replace(/\\\n\s*/g, '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

/** `A=b C='d' rest` → the assignments and the rest of the line. */
function assignments(line: string): { env: Record<string, string>; rest: string } {
  const env: Record<string, string> = {};
  let rest = line;
  for (let m = /^(\w+)=('[^']*'|\S*)\s*/.exec(rest); m; m = /^(\w+)=('[^']*'|\S*)\s*/.exec(rest)) {
    env[m[1] as string] = (m[2] as string).replace(/^'|'$/g, '');
    rest = rest.slice(m[0].length);
  }
  return { env, rest };
}

test("the README's demo rehearsal runs as printed", { timeout: 300_000 }, async (t) => {
  const [port, masPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const records = await mkdtemp(path.join(tmpdir(), 'rehearsal-records-'));
  t.after(() => rm(records, { recursive: true, force: true }));
  const local = (text: string) =>
    text
      .replaceAll('localhost:8080', `localhost:${port}`)
      .replaceAll('127.0.0.1:8081', `127.0.0.1:${masPort}`)
      .replaceAll('DEMO_MAS_PORT=8081', `DEMO_MAS_PORT=${masPort}`)
      .replaceAll('./records', records);
  const [start, commands] = await blocks('Demo rehearsal');
  assert.equal(start?.length, 1);
  const started = assignments(local(start?.[0] ?? ''));
  assert.equal(started.rest, 'npm start');
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: root,
    env: cleanEnv({ ...started.env, PORT: String(port), METRICS_PORT: String(metricsPort) }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  t.after(() => child.kill('SIGTERM'));
  let banner = '';
  child.stderr.on('data', (d) => {
    banner += d;
  });
  const deadline = Date.now() + 60_000;
  while (!banner.includes('To front a real MAS') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.match(banner, new RegExp(`Tenant URL: +http://localhost:${port}/scim/v2/demo`));

  let env: Record<string, string> = {};
  const ran: string[] = [];
  for (const line of (commands ?? []).map(local)) {
    if (line === 'echo' || line === 'npm run demo') continue;
    if (line.startsWith('export ')) {
      env = { ...env, ...assignments(line.slice('export '.length)).env };
      continue;
    }
    const curl = /^curl -fsS -H '([^:]+): ([^']+)' '([^']+)'$/.exec(line);
    if (curl) {
      const res = await fetch(curl[3] as string, { headers: { [curl[1] as string]: curl[2] as string } });
      assert.equal(res.status, 200, line);
      ran.push('curl');
      continue;
    }
    const { env: own, rest } = assignments(line);
    const args = /^npx scim-proxy (.+)$/.exec(rest)?.[1]?.split(/\s+/) ?? assert.fail(`not run by this test: ${line}`);
    const run = await scimProxy(args, { ...env, ...own });
    assert.equal(run.code, 0, `${line}\n${run.stdout}\n${run.stderr}`);
    ran.push(args.slice(0, 2).join(' '));
  }
  assert.deepEqual(ran, [
    'curl',
    'doctor',
    'profiles apply',
    'profiles apply',
    'doctor --profile',
    'rewrite test/fixtures/entra/patch-group-remove-member-legacy-doc.json',
    `replay ${records}`,
  ]);
});
