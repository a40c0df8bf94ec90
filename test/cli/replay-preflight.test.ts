// replay checks the proxy and the token once before sending: a wrong --to or a missing token is one
// clear line, not a MISMATCH per file, and nothing reaches MAS.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cli } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';
import { ENTRA_TOKEN, startProxy } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

function capture(): Output & { text: () => string } {
  const lines: string[] = [];
  return { log: (l) => lines.push(l), error: (l) => lines.push(l), text: () => lines.join('\n') };
}

/** A port nothing listens on (fetch refuses some low ports outright, with another message). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function setup(t: test.TestContext) {
  const dir = await mkdtemp(path.join(tmpdir(), 'replay-'));
  const upstream = await startUpstream();
  const proxy = await startProxy(upstream.url);
  t.after(async () => {
    await proxy.close();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });
  for (const name of ['0001.json', '0002.json']) {
    await writeFile(
      path.join(dir, name),
      JSON.stringify({
        request: { method: 'GET', path: '/scim/v2/p1/Users', query: { filter: 'userName eq "a"' } },
        expect: { status: 200 },
      }),
    );
  }
  return { dir, upstream, proxy };
}

test('replay without the Secret Token stops before the first file and says how to give it', async (t) => {
  const { dir, upstream, proxy } = await setup(t);
  const out = capture();
  assert.equal(await cli(['replay', dir, '--to', proxy.url], out, {}), 2);
  assert.match(
    out.text(),
    /wants a Secret Token \(401\); set REPLAY_TOKEN or --token-file FILE to its SCIM_TOKEN; nothing was sent/,
  );
  assert.doesNotMatch(out.text(), /MISMATCH/);
  assert.equal(upstream.seen.length, 0);
});

test('replay with a wrong token says it was refused, once', async (t) => {
  const { dir, proxy } = await setup(t);
  const out = capture();
  assert.equal(await cli(['replay', dir, '--to', proxy.url], out, { REPLAY_TOKEN: 'wrong' }), 2);
  assert.match(out.text(), /refused the token \(401\)/);
  assert.equal(out.text().split('\n').length, 1);
});

test('replay to a URL without scheme or where nothing listens fails once, naming the fix', async (t) => {
  const { dir } = await setup(t);
  const bare = capture();
  assert.equal(await cli(['replay', dir, '--to', 'localhost:8080'], bare, { REPLAY_TOKEN: ENTRA_TOKEN }), 2);
  assert.match(
    bare.text(),
    /--to localhost:8080 is not an http\(s\) URL; write it with its scheme, e\.g\. http:\/\/localhost:8080/,
  );
  const nobody = await closedPort();
  const closed = capture();
  assert.equal(
    await cli(['replay', dir, '--to', `http://127.0.0.1:${nobody}`], closed, { REPLAY_TOKEN: ENTRA_TOKEN }),
    2,
  );
  assert.match(
    closed.text(),
    new RegExp(`cannot reach http://127\\.0\\.0\\.1:${nobody} \\(ECONNREFUSED\\); check --to`),
  );
  assert.equal(closed.text().split('\n').length, 1);
});

test('with the right token the files are replayed after the check', async (t) => {
  const { dir, proxy } = await setup(t);
  const out = capture();
  assert.equal(await cli(['replay', dir, '--to', proxy.url], out, { REPLAY_TOKEN: ENTRA_TOKEN }), 0, out.text());
  assert.match(out.text(), /2 of 2 files match/);
});
