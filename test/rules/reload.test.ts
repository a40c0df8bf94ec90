// Rules in RULES_DIR reload while the proxy runs: a change goes live whole, a broken change never
// does, and the operator learns which file and field to fix.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type TestContext, test } from 'node:test';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/observe/logger.ts';
import { createMetrics } from '../../src/observe/metrics.ts';
import { BUILT_IN_RULES_DIR, loadRules } from '../../src/rules/load.ts';
import { startService } from '../../src/service.ts';
import { auth, ENTRA_TOKEN, MAS_TOKEN } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

const POLL_MS = 40;

/** A valid rule that drops the query parameters `names`; `expect` overrides what its example expects. */
const dropRule = (id: string, names: string[], expect = '{ keep: "1" }') => `id: ${id}
summary: drops ${names.join(', ')}
methods: [GET]
select: $.query
action: drop-query-parameters
params:
  names: [${names.join(', ')}]
examples:
  - name: drops ${names.join(', ')}
    before:
      method: GET
      path: /scim/v2/p1/Users
      query: { ${names.map((n) => `${n}: "1"`).join(', ')}, keep: "1" }
    after:
      query: ${expect}
`;

interface LogLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, POLL_MS / 2));
  }
}

/** A proxy watching `dir`, with its own metrics registry and log, in front of a recording MAS. */
async function start(t: TestContext, dir: string) {
  const mas = await startUpstream();
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: 'test' });
  const log: LogLine[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      log.push(JSON.parse(String(chunk)) as LogLine);
      done();
    },
  });
  const config = loadConfig({
    PORT: '0',
    MAS_URL: mas.url,
    SCIM_TOKEN: ENTRA_TOKEN,
    MAS_TOKEN,
    RULES_DIR: dir,
    RULES_RELOAD_INTERVAL_MS: String(POLL_MS),
  });
  const service = await startService(config, new URL(mas.url), {
    logger: createLogger({ level: 'info', stream }),
    metrics,
    host: '127.0.0.1',
  });
  t.after(async () => {
    await service.drain();
    await mas.close();
  });
  let sent = 0;
  return {
    service,
    log,
    registry,
    /** The query MAS received for a GET carrying `params` (a request number is added to find it). */
    async forwardedQuery(params: string): Promise<Record<string, string>> {
      const n = String(sent++);
      const res = await fetch(`http://127.0.0.1:${service.port}/scim/v2/p1/Users?${params}&n=${n}`, { headers: auth });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      const seen = mas.seen.find((request) => request.query.n === n);
      assert.ok(seen, `request ${n} reached MAS`);
      const { n: _, ...query } = seen.query;
      return query;
    },
    async reloads(result: 'success' | 'failure'): Promise<number> {
      const metric = await registry.getSingleMetric('scim_proxy_rules_reloads_total')?.get();
      return metric?.values.find((v) => v.labels.result === result)?.value ?? 0;
    },
  };
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rules-reload-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A ConfigMap volume as the kubelet lays it out: files are symlinks through `..data` to a timestamped directory. */
async function configMap(dir: string, files: Record<string, string>): Promise<void> {
  const version = `..${Date.now()}_${Math.random().toString(36).slice(2)}`;
  await mkdir(path.join(dir, version));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, version, name), text);
  // The kubelet's update: a new ..data link renamed over the old one, atomically.
  await symlink(version, path.join(dir, '..data_tmp'));
  await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
  for (const name of Object.keys(files)) await symlink(path.join('..data', name), path.join(dir, name)).catch(() => {});
}

test('a rule file added to RULES_DIR applies to later requests; the reload is counted and logged', async (t) => {
  const dir = await tempDir(t);
  const proxy = await start(t, dir);
  assert.deepEqual(await proxy.forwardedQuery('flag=1&keep=1'), { flag: '1', keep: '1' });

  await writeFile(path.join(dir, '500-drop-flag.yaml'), dropRule('drop-flag', ['flag']));
  await until('the reload', async () => ((await proxy.reloads('success')) === 1 ? true : undefined));
  assert.match(
    await proxy.registry.getSingleMetricAsString('scim_proxy_rule_applications_total'),
    /rule="drop-flag"\} 0/,
    'the new rule has its series before it first applies',
  );
  assert.deepEqual(await proxy.forwardedQuery('flag=1&keep=1'), { keep: '1' });
  const line = proxy.log.find((l) => l.message === 'rules reloaded');
  assert.equal(line?.level, 'info');
  assert.deepEqual(line?.added, ['drop-flag']);
  assert.equal(line?.rules, (await loadRules([BUILT_IN_RULES_DIR])).length + 1, 'the built-in rules and the new one');
  assert.equal(await proxy.reloads('failure'), 0);
});

test('a broken rule file keeps the previous rules, counts a failed reload and logs the file, field and fix', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, '500-drop-flag.yaml');
  await writeFile(file, dropRule('drop-flag', ['flag']));
  const proxy = await start(t, dir);
  assert.deepEqual(await proxy.forwardedQuery('flag=1&keep=1'), { keep: '1' });

  const broken = [
    { what: 'bad YAML', text: 'id: drop-flag\nmethods: [GET\n', problem: /not valid YAML/ },
    {
      what: 'a schema error',
      text: dropRule('drop-flag', ['flag']).replace('methods: [GET]', 'methods: [FETCH]'),
      problem: /: methods\.0: /,
    },
    {
      what: 'a failing example',
      text: dropRule('drop-flag', ['other'], '{ other: "1", keep: "1" }'),
      problem: /: examples\[0\] "drops other": query is/,
    },
  ];
  for (const [i, { what, text, problem }] of broken.entries()) {
    await writeFile(file, text);
    await until(`the failed reload of ${what}`, async () =>
      (await proxy.reloads('failure')) === i + 1 ? true : undefined,
    );
    assert.deepEqual(await proxy.forwardedQuery('flag=1&other=1&keep=1'), { other: '1', keep: '1' }, what);
    const line = proxy.log.filter((l) => l.level === 'error').at(-1);
    const problems = line?.problems as string[];
    assert.ok(
      problems.some((p) => p.startsWith(file) && problem.test(p)),
      `${what}: ${JSON.stringify(problems)}`,
    );
    assert.match(String(line?.fix), /scim-proxy rules check/);
  }
  assert.equal(await proxy.reloads('success'), 0);

  await writeFile(file, dropRule('drop-flag', ['other']));
  await until('the corrected file', async () => ((await proxy.reloads('success')) === 1 ? true : undefined));
  assert.deepEqual(await proxy.forwardedQuery('flag=1&other=1&keep=1'), { flag: '1', keep: '1' });
});

test('a file caught half-written fails once, is not counted again at every poll, and loads once complete', async (t) => {
  const dir = await tempDir(t);
  const proxy = await start(t, dir);
  const file = path.join(dir, '500-drop-flag.yaml');
  const text = dropRule('drop-flag', ['flag']);
  await writeFile(file, text.slice(0, text.indexOf('examples:')));
  await until('the failed reload', async () => ((await proxy.reloads('failure')) === 1 ? true : undefined));
  await new Promise((r) => setTimeout(r, POLL_MS * 8));
  assert.equal(await proxy.reloads('failure'), 1, 'the same content is not reloaded again');
  await writeFile(file, text);
  await until('the reload', async () => ((await proxy.reloads('success')) === 1 ? true : undefined));
  assert.deepEqual(await proxy.forwardedQuery('flag=1&keep=1'), { keep: '1' });
});

test('a ConfigMap update (the ..data symlink swapped to a new directory) reloads the rules', async (t) => {
  const dir = await tempDir(t);
  await configMap(dir, { '500-drop.yaml': dropRule('drop-some', ['first']) });
  const proxy = await start(t, dir);
  assert.deepEqual(await proxy.forwardedQuery('first=1&second=1'), { second: '1' });
  await configMap(dir, { '500-drop.yaml': dropRule('drop-some', ['second']) });
  await until('the swapped rules', async () => {
    const query = await proxy.forwardedQuery('first=1&second=1');
    return query.first === '1' && query.second === undefined ? true : undefined;
  });
  const line = proxy.log.find((l) => l.message === 'rules reloaded');
  assert.deepEqual(line?.changed, ['drop-some']);
});

test('while rules reload, every request sees the old set or the new one, never a mix', async (t) => {
  const dir = await tempDir(t);
  const v1 = { '500-a.yaml': dropRule('drop-a', ['a1']), '510-b.yaml': dropRule('drop-b', ['a2']) };
  const v2 = { '500-a.yaml': dropRule('drop-a', ['b1']), '510-b.yaml': dropRule('drop-b', ['b2']) };
  await configMap(dir, v1);
  const proxy = await start(t, dir);

  const outcomes = new Set<string>();
  let swapping = true;
  const send = async () => {
    while (swapping) {
      const query = await proxy.forwardedQuery('a1=1&a2=1&b1=1&b2=1');
      outcomes.add(Object.keys(query).sort().join(','));
    }
  };
  const senders = [send(), send(), send(), send()];
  try {
    for (const version of [v2, v1, v2, v1, v2]) {
      const before = await proxy.reloads('success');
      await configMap(dir, version);
      await until('the reload', async () => ((await proxy.reloads('success')) > before ? true : undefined));
    }
  } finally {
    swapping = false;
    await Promise.all(senders);
  }
  assert.deepEqual([...outcomes].sort(), ['a1,a2', 'b1,b2'], 'only whole rule sets were ever applied');
  assert.equal(await proxy.reloads('failure'), 0);
});

test('draining stops watching RULES_DIR', async (t) => {
  const dir = await tempDir(t);
  const proxy = await start(t, dir);
  await proxy.service.drain();
  await writeFile(path.join(dir, '500-broken.yaml'), 'id: [');
  await new Promise((r) => setTimeout(r, POLL_MS * 6));
  assert.equal(await proxy.reloads('failure'), 0);
});
