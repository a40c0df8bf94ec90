// Entra's Secret Token, the MAS API key and the TLS serving certificate rotate without a restart:
// the files are swapped the way the kubelet updates a Secret volume (a new timestamped directory,
// then an atomic rename of the `..data` symlink) while requests keep flowing, and none fails.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type TestContext, test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { startProxy } from '../support/proxy.ts';
import { selfSignedCertificate } from '../support/tls.ts';
import { startUpstream, type Upstream } from '../support/upstream.ts';

/** A Secret volume as the kubelet writes it: `key -> ..data/key`, `..data -> ..<timestamp>`. */
async function secretVolume(files: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'secret-volume-'));
  let generation = 0;
  let current: string | undefined;
  const write = async (next: Record<string, string>) => {
    const target = `..2026_12_01_${String(++generation).padStart(4, '0')}`;
    await mkdir(path.join(dir, target));
    for (const [key, value] of Object.entries(next)) await writeFile(path.join(dir, target, key), value);
    await symlink(target, path.join(dir, '..data_tmp'));
    await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
    for (const key of Object.keys(next)) {
      await symlink(path.join('..data', key), path.join(dir, key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
    if (current) await rm(path.join(dir, current), { recursive: true });
    current = target;
  };
  await write(files);
  return { dir, file: (key: string) => path.join(dir, key), write, remove: () => rm(dir, { recursive: true }) };
}

/** Sends `request` from `concurrency` loops until stopped; every outcome is kept. */
function underLoad(request: () => Promise<number>, concurrency = 4) {
  const outcomes: Array<number | string> = [];
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) outcomes.push(await request().catch((error: Error) => error.message));
  });
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}

async function eventually(condition: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`not within 5 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const failuresIn = (outcomes: Array<number | string>) => outcomes.filter((o) => o !== 200);

/**
 * A proxy reading the Secret volume `files` through `env` (each file polled every 20 ms), in front of
 * `mas` (a plain stand-in when not given); all of it goes when the test ends.
 */
async function proxyOnSecrets(
  t: TestContext,
  files: Record<string, string>,
  env: (volume: Awaited<ReturnType<typeof secretVolume>>) => Record<string, string>,
  mas?: Upstream,
) {
  const volume = await secretVolume(files);
  const upstream = mas ?? (await startUpstream());
  const proxy = await startProxy(upstream.url, { ...env(volume), SECRETS_RELOAD_INTERVAL_MS: '20' });
  t.after(async () => {
    await proxy.close();
    await upstream.close();
    await volume.remove();
  });
  return { volume, mas: upstream, proxy };
}

test('a rotated Entra Secret Token is used without a restart: both during the overlap, then only the new one', async (t) => {
  const { volume, mas, proxy } = await proxyOnSecrets(t, { 'scim-token': 'old-token' }, (v) => ({
    SCIM_TOKEN: '',
    SCIM_TOKEN_FILE: v.file('scim-token'),
  }));
  const get = (token: string) => async () =>
    (await fetch(`${proxy.url}/scim/v2/p1/Users`, { headers: { authorization: `Bearer ${token}` } })).status;

  // Step 1: the Secret holds both tokens while Entra still sends the old one.
  const withOld = underLoad(get('old-token'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await volume.write({ 'scim-token': 'old-token,new-token' });
  await eventually(async () => (await get('new-token')()) === 200, 'the new token accepted');
  const duringOverlap = await withOld.stop();
  assert.ok(duringOverlap.length > 10, `only ${duringOverlap.length} requests`);
  assert.deepEqual(failuresIn(duringOverlap), []);

  // Step 2: Entra sends the new token; the old one leaves the Secret and is refused from then on.
  const withNew = underLoad(get('new-token'));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await volume.write({ 'scim-token': 'new-token' });
  await eventually(async () => (await get('old-token')()) === 401, 'the old token refused');
  const afterOverlap = await withNew.stop();
  assert.ok(afterOverlap.length > 10, `only ${afterOverlap.length} requests`);
  assert.deepEqual(failuresIn(afterOverlap), []);
  assert.ok(mas.seen.every((r) => r.headers.authorization !== 'Bearer old-token'));
});

test('an emptied or unreadable token file is refused: the tokens in use stay', async (t) => {
  const { volume, proxy } = await proxyOnSecrets(t, { 'scim-token': 'the-token' }, (v) => ({
    SCIM_TOKEN: '',
    SCIM_TOKEN_FILE: v.file('scim-token'),
  }));
  const status = async (token?: string) =>
    (await fetch(`${proxy.url}/scim/v2/p1/Users`, token ? { headers: { authorization: `Bearer ${token}` } } : {}))
      .status;
  await volume.write({ 'scim-token': ' \n' });
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(await status(), 401, 'an empty file never turns the token check off');
  assert.equal(await status('the-token'), 200);
  await volume.write({ 'other-key': 'x' });
  await rm(volume.file('scim-token'));
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(await status('the-token'), 200);
});

test('a rotated MAS API key mints the next JWT with the new key, and no request fails when MAS drops the old one', async (t) => {
  const accepted = new Set(['key-1']);
  const mas = await startUpstream({
    respond(request, res) {
      if (request.path === '/v1/authenticate') {
        const [, key] = Buffer.from(String(request.headers.authorization).slice(6), 'base64').toString().split(':');
        const ok = accepted.has(key as string);
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { token: `minted-with-${key}` } : { error: 'bad key' }));
        return;
      }
      const ok = [...accepted].some((key) => request.headers.authorization === `Bearer minted-with-${key}`);
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/scim+json' });
      res.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0 }));
    },
  });
  const { volume, proxy } = await proxyOnSecrets(
    t,
    { 'mas-api-key': 'key-1' },
    (v) => ({ MAS_TOKEN: '', MAS_API_KEY_ID: 'scim-proxy-key', MAS_API_KEY_FILE: v.file('mas-api-key') }),
    mas,
  );
  const get = async () =>
    (await fetch(`${proxy.url}/scim/v2/p1/Users`, { headers: { authorization: 'Bearer entra-token-for-tests' } }))
      .status;
  const keysUsed = () =>
    mas.seen
      .filter((r) => r.path === '/v1/authenticate')
      .map((r) => Buffer.from(String(r.headers.authorization).slice(6), 'base64').toString().split(':')[1]);

  const load = underLoad(get);
  await new Promise((resolve) => setTimeout(resolve, 50));
  accepted.add('key-2'); // the administrator creates the new key in MAS,
  await volume.write({ 'mas-api-key': 'key-2' }); // puts it in the Secret,
  await eventually(async () => keysUsed().includes('key-2'), 'a JWT minted with the new key');
  accepted.delete('key-1'); // and revokes the old one.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const outcomes = await load.stop();
  assert.ok(outcomes.length > 10, `only ${outcomes.length} requests`);
  assert.deepEqual(failuresIn(outcomes), []);
  assert.deepEqual([...new Set(keysUsed())], ['key-1', 'key-2']);
});

/** A proxy serving HTTPS from a Secret volume holding the first of two self-signed pairs. */
async function tlsProxy(t: TestContext) {
  const work = await mkdtemp(path.join(tmpdir(), 'certs-'));
  const [first, second] = [selfSignedCertificate(work, 'first'), selfSignedCertificate(work, 'second')];
  const [cert1, key1, cert2, key2] = (await Promise.all(
    [first.cert, first.key, second.cert, second.key].map((f) => readFile(f, 'utf8')),
  )) as [string, string, string, string];
  t.after(() => rm(work, { recursive: true }));
  const { volume, proxy } = await proxyOnSecrets(t, { 'tls.crt': cert1, 'tls.key': key1 }, (v) => ({
    TLS_CERT_FILE: v.file('tls.crt'),
    TLS_KEY_FILE: v.file('tls.key'),
    TLS_PORT: '0',
  }));
  // A new connection for each request (no keep-alive): each one meets the certificate in use.
  const get = (route: string, ca: string[], onAnswer: (res: IncomingMessage) => void = () => {}) =>
    new Promise<number>((resolve, reject) => {
      https
        .get(
          {
            host: '127.0.0.1',
            servername: 'localhost',
            port: proxy.service.tlsPort,
            path: route,
            headers: { authorization: 'Bearer entra-token-for-tests' },
            ca,
            agent: false,
          },
          (res) => {
            onAnswer(res);
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on('error', reject);
    });
  return { cert1, key1, cert2, key2, volume, get };
}

test('a rotated TLS serving certificate is served to new connections without a failed request', async (t) => {
  const { cert1, cert2, key2, volume, get } = await tlsProxy(t);
  const served: string[] = [];
  const secondPrint = new X509Certificate(cert2).fingerprint256;
  const load = underLoad(() =>
    get('/scim/v2/p1/Users', [cert1, cert2], (res) =>
      served.push((res.socket as TLSSocket).getPeerX509Certificate()?.fingerprint256 ?? ''),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  await volume.write({ 'tls.crt': cert2, 'tls.key': key2 });
  await eventually(async () => served.at(-1) === secondPrint, 'the new certificate served');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const outcomes = await load.stop();
  assert.deepEqual(failuresIn(outcomes), []);
  assert.equal(new Set(served).size, 2, 'the first certificate, then the second');
  assert.equal(served.at(-1), secondPrint);
});

test('a certificate that does not match its key is refused: the pair in use stays', async (t) => {
  const { cert1, key2, volume, get } = await tlsProxy(t);
  await volume.write({ 'tls.crt': cert1, 'tls.key': key2 });
  await new Promise((resolve) => setTimeout(resolve, 150));
  const status = await get('/livez', [cert1]);
  assert.equal(status, 200);
});
