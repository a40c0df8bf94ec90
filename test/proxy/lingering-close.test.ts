// Lingering close: a client still sending when the proxy refuses it early (a body over
// BODY_LIMIT_BYTES, headers over 16 KiB) must be able to read why. The proxy answers, reads and
// discards the rest of the request for a bounded time and size, then closes; Node's own client,
// which (unlike curl) keeps writing, is the one that used to see EPIPE or ECONNRESET instead.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import { lingeringClose } from '../../src/http/linger.ts';
import { auth, startProxy } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

async function setUp(t: test.TestContext) {
  const upstream = await startUpstream();
  const proxy = await startProxy(upstream.url, { BODY_LIMIT_BYTES: String(64 * 1024) });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
  });
  return { upstream, url: new URL(proxy.url) };
}

/**
 * Sends `chunks` of `size` bytes through Node's http client, one write per turn of the event loop,
 * as a client producing its body does: it is still writing when the proxy has answered.
 */
function stream(
  url: URL,
  headers: http.OutgoingHttpHeaders,
  chunks: number,
  size: number,
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: 'POST', path: '/scim/v2/p1/Users', headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(size, 0x20);
    let sent = 0;
    const write = () => {
      if (req.destroyed) return;
      if (sent++ >= chunks) {
        req.end();
        return;
      }
      req.write(chunk);
      setTimeout(write, 0);
    };
    write();
  });
}

test("Node's client streaming 12.5 MiB past BODY_LIMIT_BYTES (chunked) reads the 413", async (t) => {
  const { upstream, url } = await setUp(t);
  const answer = await stream(url, { ...auth, 'content-type': 'application/scim+json' }, 200, 64 * 1024);
  assert.equal(answer.status, 413);
  assert.match(JSON.parse(answer.body).detail, /BODY_LIMIT_BYTES/);
  assert.equal(upstream.seen.length, 0);
});

test("Node's client sending a declared 12.5 MiB body reads the 413 refused from its Content-Length", async (t) => {
  const { upstream, url } = await setUp(t);
  const answer = await stream(
    url,
    { ...auth, 'content-type': 'application/scim+json', 'content-length': 200 * 64 * 1024 },
    200,
    64 * 1024,
  );
  assert.equal(answer.status, 413);
  assert.equal(answer.headers.connection, 'close');
  assert.equal(upstream.seen.length, 0);
});

test("Node's client sending 20 KB of headers and then a body reads the 431", async (t) => {
  const { upstream, url } = await setUp(t);
  const answer = await stream(
    url,
    { ...auth, 'content-type': 'application/scim+json', 'x-big': 'a'.repeat(20_000) },
    200,
    64 * 1024,
  );
  assert.equal(answer.status, 431);
  assert.equal(JSON.parse(answer.body).schemas[0], 'urn:ietf:params:scim:api:messages:2.0:Error');
  assert.equal(upstream.seen.length, 0);
});

test('a client that never stops sending is closed once the lingering bound of bytes or time is passed', async (t) => {
  for (const bounds of [
    { maxMs: 200, maxBytes: 1024 * 1024 * 1024 },
    { maxMs: 60_000, maxBytes: 256 * 1024 },
  ]) {
    const closed = new Promise<number>((resolve) => {
      const server = net.createServer((socket) => {
        const started = performance.now();
        socket.write('HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
        lingeringClose(socket, bounds);
        socket.on('close', () => {
          server.close();
          resolve(performance.now() - started);
        });
      });
      server.listen(0, '127.0.0.1', () => {
        const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
        client.on('error', () => {});
        const chunk = Buffer.alloc(16 * 1024);
        const write = () => {
          if (client.destroyed) return;
          client.write(chunk);
          setTimeout(write, 1);
        };
        write();
        t.after(() => client.destroy());
      });
    });
    const elapsedMs = await closed;
    assert.ok(elapsedMs < 10_000, `closed after ${Math.round(elapsedMs)} ms`);
  }
});
