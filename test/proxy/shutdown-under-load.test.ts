// SIGTERM to the real process while requests are in flight to a slow MAS: readiness turns 503,
// every request already received (even pipelined) gets its whole answer, nothing is cut, and the process exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import { auth, ENTRA_TOKEN, MAS_TOKEN } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

const IN_FLIGHT = 24;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });

type Outcome =
  | { kind: 'answered'; status: number; connection: string | undefined; body: string }
  /** The connection was refused: the request never reached the proxy. */
  | { kind: 'refused' }
  /** Anything else: the request was sent and its answer cut or lost. */
  | { kind: 'cut'; error: string };

function get(port: number, path: string, agent: http.Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: auth }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('error', (error) => resolve({ kind: 'cut', error: error.message }));
      res.on('end', () =>
        res.complete
          ? resolve({ kind: 'answered', status: res.statusCode ?? 0, connection: res.headers.connection, body })
          : resolve({ kind: 'cut', error: 'incomplete body' }),
      );
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ECONNREFUSED' ? { kind: 'refused' } : { kind: 'cut', error: error.message }),
    );
  });
}

/** The responses on a raw connection, in order (every answer here carries content-length). */
function parseResponses(raw: string): { status: number; headers: Record<string, string>; body: string }[] {
  const responses = [];
  let rest = raw;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    assert.ok(end > 0, `an incomplete response: ${JSON.stringify(rest.slice(0, 200))}`);
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length']);
    const body = rest.slice(end + 4, end + 4 + length);
    assert.equal(Buffer.byteLength(body), length, 'the whole body arrived');
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body });
    rest = rest.slice(end + 4 + length);
  }
  return responses;
}

test('SIGTERM under load: /readyz turns 503, every request in flight gets its whole answer, then exit 0', async (t) => {
  // A MAS that holds every answer until the test lets it go, so the drain starts with all of them
  // in flight however slow the machine; each answer is specific to its request (its `n`) and not small.
  const held: (() => void)[] = [];
  let releasedAt = 0;
  const mas = await startUpstream({
    respond(request, res) {
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/scim+json' });
        res.end(JSON.stringify({ n: request.query.n, padding: 'x'.repeat(64 * 1024) }));
      };
      if (releasedAt) answer();
      else held.push(answer);
    },
  });
  const release = () => {
    releasedAt = Date.now();
    for (const answer of held.splice(0)) answer();
  };
  t.after(() => mas.close());
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      MAS_URL: mas.url,
      SCIM_TOKEN: ENTRA_TOKEN,
      MAS_TOKEN,
      // Long enough that nothing here is cut by the timeout; a cut would be the drain's doing.
      SHUTDOWN_TIMEOUT_MS: '20000',
      // Every request below reaches MAS at once rather than waiting in the proxy's queue.
      MAS_MAX_CONCURRENCY: String(IN_FLIGHT * 2),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = once(child, 'exit').then(([code]) => ({ code: code as number | null, at: Date.now() }));
  const waitFor = async (what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await ok())) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}; stderr: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const readyz = () =>
    new Promise<number | 'refused'>((resolve) =>
      http
        .get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', () => resolve('refused')),
    );
  await waitFor('the proxy to be ready', async () => (await readyz()) === 200, 30_000);

  // Many requests in flight, each on its own keep-alive connection.
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  t.after(() => agent.destroy());
  const inFlight = Array.from({ length: IN_FLIGHT }, (_, n) => get(port, `/scim/v2/p1/Users?n=${n}`, agent));
  // A client that keeps sending on one keep-alive connection, as Entra and the router do.
  const steadyAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => steadyAgent.destroy());
  const steady: Outcome[] = [];
  const steadyDone = (async () => {
    for (let n = 1000; ; n++) {
      const outcome = await get(port, `/scim/v2/p1/Users?n=${n}`, steadyAgent);
      steady.push(outcome);
      if (outcome.kind !== 'answered') return;
    }
  })();
  // A connection on which a request will be pipelined behind one in flight.
  const raw = net.connect(port, '127.0.0.1');
  let rawText = '';
  raw.setEncoding('utf8');
  raw.on('data', (d: string) => {
    rawText += d;
  });
  const rawClosed = once(raw, 'close');
  raw.write(`GET /scim/v2/p1/Users?n=raw HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\n\r\n`);

  await waitFor('every request to reach MAS', () => mas.seen.length >= IN_FLIGHT + 2);
  child.kill('SIGTERM');
  await waitFor('the drain to start', () => stdout.includes('draining before exit'));
  raw.write('GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n');
  const fresh = await readyz();
  assert.notEqual(fresh, 200, 'a new /readyz is refused or answered 503, never 200');
  if (fresh !== 'refused') assert.equal(fresh, 503);
  const late = get(port, '/scim/v2/p1/Users?n=late', new http.Agent());
  // Time for the proxy to read the pipelined /readyz before MAS answers the request ahead of it.
  await new Promise((r) => setTimeout(r, 300));
  release();
  const lateOutcome = await late;
  assert.ok(
    lateOutcome.kind !== 'cut',
    `a request on a new connection is refused or answered: ${JSON.stringify(lateOutcome)}`,
  );

  const outcomes = await Promise.all(inFlight);
  outcomes.forEach((outcome, n) => {
    assert.equal(outcome.kind, 'answered', `request ${n}: ${JSON.stringify(outcome).slice(0, 200)}`);
    if (outcome.kind !== 'answered') return;
    assert.equal(outcome.status, 200);
    assert.equal((JSON.parse(outcome.body) as { n: string }).n, String(n), 'its own answer, whole');
    assert.equal(outcome.connection, 'close', `request ${n}: the client is told not to reuse the connection`);
  });

  await steadyDone;
  const cut = steady.filter((o) => o.kind === 'cut');
  assert.deepEqual(cut, [], 'the steady client was never cut');
  assert.equal(steady.at(-1)?.kind, 'refused', 'its next request after the drain found the listener closed');
  assert.equal(steady.filter((o) => o.kind === 'answered').at(-1)?.connection, 'close');

  await rawClosed;
  const [first, ready, ...more] = parseResponses(rawText);
  assert.equal(first?.status, 200);
  assert.equal((JSON.parse(first?.body ?? '') as { n: string }).n, 'raw', 'the request in flight got its answer');
  assert.equal(ready?.status, 503, '/readyz pipelined during the drain is answered, 503');
  assert.equal(ready?.headers.connection, 'close', 'the last answer on the connection closes it');
  assert.deepEqual(more, []);

  const { code, at } = await exited;
  assert.equal(code, 0, `exit code; stderr: ${stderr}`);
  assert.ok(at >= releasedAt, 'the process outlived the answers from MAS');
  assert.match(stdout, /"message":"stopped"/);
});
