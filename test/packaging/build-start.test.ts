// The compiled output starts the way the image starts it: `tsc -p tsconfig.build.json`, then
// `node <out>/main.js` with only environment variables. The output goes to <project>/dist-test-*/,
// the same depth as dist/, so paths resolved from the module file (the built-in rules/) still work.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../support/process.ts';

const root = join(import.meta.dirname, '..', '..');

/** A throwaway MAS that answers every request with an empty SCIM list. */
async function startFakeMas(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/scim+json' });
    res.end(
      JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: 0,
        Resources: [],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(typeof address === 'object' && address);
  return { server, url: `http://127.0.0.1:${address.port}` };
}

async function waitForStatus(url: string, child: ChildProcess, output: () => string): Promise<number> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) assert.fail(`node main.js exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return response.status;
    } catch {
      await sleep(100);
    }
  }
  assert.fail(`${url} did not answer within 20 s:\n${output()}`);
}

describe('built output', () => {
  it('compiles with tsconfig.build.json and answers /livez 200 when started as node main.js', async (t) => {
    if (!existsSync(join(root, 'src', 'main.ts'))) {
      t.skip('src/main.ts not written yet');
      return;
    }
    const outDir = join(root, `dist-test-${randomUUID().slice(0, 8)}`);
    t.after(() => rmSync(outDir, { recursive: true, force: true }));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    // The image build runs the same command (RUN ... tsc -p tsconfig.build.json): a type error fails both.
    const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, `tsc -p tsconfig.build.json failed:\n${build.stdout}${build.stderr}`);
    assert.ok(existsSync(join(outDir, 'main.js')), 'tsc emitted no main.js');

    const mas = await startFakeMas();
    t.after(() => mas.server.close());
    const [port, metricsPort] = [await freePort(), await freePort()];
    let output = '';
    // Only what the Deployment sets: no credentials, no variables inherited from this shell.
    const child = spawn(process.execPath, [join(outDir, 'main.js')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        MAS_URL: mas.url,
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    t.after(async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(10_000, undefined, { ref: false })]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    });

    const status = await waitForStatus(`http://127.0.0.1:${port}/livez`, child, () => output);
    assert.equal(status, 200, output);
  });
});
