// What an idle replica holds: start-up garbage and the young generation it grew are given back once
// listening, and code the configuration does not use (fetch's HTTP client, jose without OAuth, the
// simulator) is never loaded. bench/RESULTS.md has the RSS these amount to.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { basic, oauthProcessEnv, requestToken } from '../oauth/oauth-proxy.ts';
import { freePort, untilReady } from '../support/process.ts';
import { ENTRA_TOKEN, MAS_TOKEN } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

const root = join(import.meta.dirname, '..', '..');

describe('releaseStartupMemory', () => {
  it('gives back the young generation a start grew and the garbage it left, and leaves gc() unexposed', () => {
    // A start in miniature, under the image's semi-space flag: much allocated, much of it kept a while.
    const script = `
      import { getHeapSpaceStatistics } from 'node:v8';
      import { releaseStartupMemory } from ${JSON.stringify(pathToFileURL(join(root, 'src', 'startup-memory.ts')).href)};
      const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      let kept = [];
      for (let i = 0; i < 400_000; i++) kept.push({ i, name: 'user' + i });
      kept = undefined;
      const before = { newSpace: newSpace(), heapUsed: process.memoryUsage().heapUsed };
      releaseStartupMemory();
      const after = { newSpace: newSpace(), heapUsed: process.memoryUsage().heapUsed };
      console.log(JSON.stringify({ before, after, gcExposed: typeof globalThis.gc }));`;
    const child = spawnSync(process.execPath, ['--max-semi-space-size=8', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    const { before, after, gcExposed } = JSON.parse(child.stdout);
    const MB = 2 ** 20;
    assert.ok(before.newSpace >= 8 * MB, `the allocations grew the young generation (${before.newSpace / MB} MB)`);
    assert.ok(after.newSpace <= 2 * MB, `young generation after: ${after.newSpace / MB} MB`);
    assert.ok(
      after.heapUsed < before.heapUsed - 10 * MB,
      `heap used ${before.heapUsed / MB} → ${after.heapUsed / MB} MB`,
    );
    assert.equal(gcExposed, 'undefined');
  });
});

/** Starts src/main.ts with `env`, lets `use` talk to it, stops it; what it loaded. */
async function loadedBy(env: Record<string, string>, use: (url: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'scim-proxy-loaded-'));
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(join(root, 'test', 'support', 'loaded-modules.ts')).href, 'src/main.ts'],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        LOG_LEVEL: 'error',
        LOADED_MODULES_FILE: join(dir, 'loaded.json'),
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let output = '';
  child.stderr.on('data', (d) => {
    output += d;
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    await untilReady(url, child, () => output);
    await use(url);
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
  const { builtins, files } = JSON.parse(readFileSync(join(dir, 'loaded.json'), 'utf8')) as {
    builtins: string[];
    files: string[];
  };
  return {
    builtin: (name: string) => builtins.includes(`NativeModule ${name}`),
    npm: (name: string) => files.some((file) => file.includes(`/node_modules/${name}/`)),
  };
}

describe('what the proxy loads', () => {
  it('in front of MAS with a static token, forwarding a request: neither undici, nor jose, nor the simulator', async (t) => {
    const mas = await startUpstream();
    t.after(() => mas.close());
    const loaded = await loadedBy({ MAS_URL: mas.url, SCIM_TOKEN: ENTRA_TOKEN, MAS_TOKEN }, async (url) => {
      const res = await fetch(`${url}/scim/v2/p1/Users?filter=${encodeURIComponent('userName eq "ada"')}`, {
        headers: { authorization: `Bearer ${ENTRA_TOKEN}` },
      });
      assert.equal(res.status, 200);
    });
    assert.equal(mas.seen.length, 1, 'the request reached MAS');
    // What it does load, so the absences below are not a preload that saw nothing.
    assert.ok(loaded.builtin('http') && loaded.npm('express') && loaded.npm('http-proxy-3'));
    assert.equal(loaded.builtin('internal/deps/undici/undici'), false, 'undici (fetch) loaded');
    assert.equal(loaded.npm('jose'), false, 'jose loaded without OAuth');
    assert.equal(loaded.npm('scimmy'), false, 'the simulator loaded in front of MAS');
  });

  it('with OAuth configured, loads jose and issues access tokens with it', async (t) => {
    const mas = await startUpstream();
    t.after(() => mas.close());
    const loaded = await loadedBy(oauthProcessEnv(mas.url).env, async (url) => {
      const res = await requestToken(url, { grant_type: 'client_credentials' }, basic());
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { token_type: string }).token_type, 'Bearer');
    });
    assert.equal(loaded.npm('jose'), true);
  });
});
