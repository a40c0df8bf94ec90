// npm run soak [-- --minutes N --rate R]: scim-proxy as its own process (`node src/main.ts`) in
// front of the MAS simulator, fed Entra's provisioning cycle (matches, creates, legacy PATCHes,
// group membership and its legacy removal, renames, deletes) at a steady rate. It samples the proxy's
// resident memory every 10 s from its /metrics and fails on any error or on memory that grows.
//
// Flat memory: the mean RSS of the last minute is within max(10 MB, 10 %) of the mean of the minute
// after warm-up, the first third of the run. A shorter warm-up measures V8 sizing its heap, not a
// leak: at 100 req/s RSS climbs for two to three minutes, then holds (heap used is a sawtooth whose
// floor stays put). The comparison with the second minute is printed too. Windows are a minute,
// or a third of the run when it is shorter than three minutes.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { imageNodeOptions } from '../bench/image-node-options.ts';
import { scrape } from '../bench/scrape.ts';
import { freePort } from '../test/support/process.ts';
import { PROFILE_ID, startSimulatedMas } from './stack.ts';

const SAMPLE_EVERY_MS = 10_000;
const SESSIONS = 32;
const FLAT_BYTES = 10 * 1024 * 1024;
const FLAT_RATIO = 0.1;
const MB = 1024 * 1024;

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Step {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** The statuses Entra would take as success. */
  ok: readonly number[];
  /** Keeps the created resource's id under this name. */
  saveAs?: string;
  /** What MAS must hold once the step succeeded; a description of what is wrong otherwise. */
  verify?: () => string | undefined;
}

/** One Entra cycle for two new people and a new group, in the shapes of corpus/entra. */
function cycle(tag: string, membersOf: (groupId: string) => string[]): ((ids: Record<string, string>) => Step)[] {
  const name = (who: string) => `soak-${tag}-${who}@contoso.com`;
  const group = `SOAK_${tag.toUpperCase()}`;
  const patch = (resource: string, Operations: unknown[], query = '') => ({
    method: 'PATCH' as const,
    path: `/${resource}${query}`,
    body: { schemas: [PATCH_OP], Operations },
    ok: [200, 204],
  });
  const match = (who: string) => () => ({
    method: 'GET' as const,
    path: `/Users?filter=${encodeURIComponent(`userName eq "${name(who)}"`)}`,
    ok: [200],
  });
  const create = (who: string, manager?: string) => (ids: Record<string, string>) => ({
    method: 'POST' as const,
    path: '/Users',
    saveAs: who,
    ok: [201],
    body: {
      schemas: [USER, ENTERPRISE],
      externalId: `${tag}-${who}-object-id`,
      userName: name(who),
      active: true,
      emails: [{ primary: true, type: 'work', value: name(who) }],
      meta: { resourceType: 'User' },
      name: { formatted: `${who} Contoso`, familyName: 'Contoso', givenName: who },
      roles: [],
      ...(manager && { [ENTERPRISE]: { department: 'Maintenance', manager: ids[manager] } }),
    },
  });
  return [
    match('alice'),
    create('alice'),
    match('bob'),
    create('bob', 'alice'),
    () => ({
      method: 'GET',
      path: `/Groups?filter=${encodeURIComponent(`displayName eq "${group}"`)}&excludedAttributes=members`,
      ok: [200],
    }),
    () => ({
      method: 'POST',
      path: '/Groups',
      saveAs: 'group',
      ok: [201],
      body: { schemas: [GROUP], externalId: `${tag}-group`, displayName: group, members: [], meta: {} },
    }),
    (ids) =>
      patch(`Groups/${ids.group}`, [{ op: 'Add', path: 'members', value: [{ value: ids.alice }, { value: ids.bob }] }]),
    // The legacy removal that, unrewritten, empties the group in MAS.
    (ids) => ({
      ...patch(`Groups/${ids.group}`, [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: ids.bob }] }]),
      verify: () => {
        const members = membersOf(ids.group ?? '');
        return members.length === 1 && members[0] === ids.alice ? undefined : 'the group lost more than bob';
      },
    }),
    (ids) =>
      patch(
        `Users/${ids.alice}`,
        [{ op: 'replace', value: { 'name.givenName': 'Alicia', [`${ENTERPRISE}:employeeNumber`]: tag } }],
        '?aadOptscim062020',
      ),
    (ids) => patch(`Users/${ids.bob}`, [{ op: 'Replace', path: 'active', value: 'False' }]),
    (ids) => ({ method: 'GET', path: `/Users/${ids.alice}`, ok: [200] }),
    (ids) => patch(`Groups/${ids.group}`, [{ op: 'Replace', path: 'displayName', value: `${group}_RENAMED` }]),
    (ids) => ({ method: 'DELETE', path: `/Groups/${ids.group}`, ok: [204] }),
    (ids) => ({ method: 'DELETE', path: `/Users/${ids.bob}`, ok: [204] }),
    (ids) => ({ method: 'DELETE', path: `/Users/${ids.alice}`, ok: [204] }),
  ];
}

interface Sample {
  atS: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { minutes: { type: 'string', default: '10' }, rate: { type: 'string', default: '100' } },
  });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  if (!(minutes > 0) || !(rate > 0)) {
    process.stderr.write('usage: npm run soak -- [--minutes N] [--rate requests-per-second]\n');
    return 2;
  }
  const durationMs = minutes * 60_000;

  const mas = await startSimulatedMas();
  const entraToken = randomBytes(18).toString('base64url');
  const [port, metricsPort] = [await freePort(), await freePort()];
  // With the image's V8 flags, so its memory is the memory a pod would see.
  const proxy = spawn(process.execPath, [...imageNodeOptions(), path.join(import.meta.dirname, '../src/main.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      MAS_URL: mas.sim.url,
      SCIM_TOKEN: entraToken,
      MAS_TOKEN: mas.token,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = watchLogs(proxy);
  const exited = once(proxy, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const base = `http://127.0.0.1:${port}/scim/v2/${PROFILE_ID}`;
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  await waitUntilReady(`http://127.0.0.1:${port}/readyz`);

  const membersOf = (groupId: string) =>
    ((mas.sim.group(PROFILE_ID, groupId)?.members ?? []) as { value: string }[]).map((m) => m.value);
  const errors = new Map<string, number>();
  const latenciesMs: number[] = [];
  const samples: Sample[] = [];
  const started = performance.now();
  const end = started + durationMs;
  let nextSlot = started;
  /** Waits for this request's turn: one every 1/rate s, however many sessions are waiting. */
  const turn = () => {
    const at = nextSlot;
    nextSlot += 1000 / rate;
    const wait = at - performance.now();
    return wait > 0 ? new Promise((r) => setTimeout(r, wait)) : Promise.resolve();
  };
  const send = async (step: Step): Promise<{ ok: boolean; body?: { id?: string } }> => {
    const t0 = performance.now();
    try {
      const res = await fetch(`${base}${step.path}`, {
        method: step.method,
        headers: { authorization: `Bearer ${entraToken}`, 'content-type': 'application/scim+json; charset=utf-8' },
        ...(step.body !== undefined && { body: JSON.stringify(step.body) }),
      });
      const text = await res.text();
      latenciesMs.push(performance.now() - t0);
      if (!step.ok.includes(res.status)) {
        const key = `${res.status} on ${step.method}`;
        if (!errors.has(key)) process.stderr.write(`soak: ${key} ${step.path}: ${text.slice(0, 300)}\n`);
        errors.set(key, (errors.get(key) ?? 0) + 1);
        return { ok: false };
      }
      return { ok: true, body: text ? JSON.parse(text) : undefined };
    } catch (error) {
      const key = `no answer (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
      return { ok: false };
    }
  };
  /** One Entra cycle; false when it stopped early (the time is up, or a create failed). */
  const runCycle = async (steps: ReturnType<typeof cycle>): Promise<boolean> => {
    const ids: Record<string, string> = {};
    for (const next of steps) {
      if (performance.now() >= end) return false;
      const step = next(ids);
      await turn();
      const answer = await send(step);
      const wrong = answer.ok ? step.verify?.() : undefined;
      if (wrong) errors.set(wrong, (errors.get(wrong) ?? 0) + 1);
      if (!step.saveAs) continue;
      // Without the id the rest of the cycle cannot follow; the error is already counted.
      if (!answer.body?.id) return false;
      ids[step.saveAs] = answer.body.id;
    }
    return true;
  };
  let cycles = 0;
  const session = async (s: number) => {
    for (let n = 0; performance.now() < end; n++) if (await runCycle(cycle(`${s}x${n}`, membersOf))) cycles++;
  };
  const sample = async () => {
    try {
      const { rssBytes, heapUsedBytes, heapTotalBytes, externalBytes } = await scrape(metricsUrl);
      samples.push({
        atS: (performance.now() - started) / 1000,
        rssBytes,
        heapUsedBytes,
        heapTotalBytes,
        externalBytes,
      });
    } catch (error) {
      errors.set('metrics scrape failed', (errors.get('metrics scrape failed') ?? 0) + 1);
      process.stderr.write(`soak: scraping ${metricsUrl} failed: ${(error as Error).message}\n`);
    }
  };
  await sample();
  const sampler = setInterval(() => void sample(), SAMPLE_EVERY_MS);
  const progress = setInterval(() => {
    const last = samples.at(-1);
    process.stderr.write(
      `soak: ${((performance.now() - started) / 60_000).toFixed(1)} min, ${latenciesMs.length} requests, ` +
        `${[...errors.values()].reduce((a, b) => a + b, 0)} errors, RSS ${last ? mb(last.rssBytes) : '?'}\n`,
    );
  }, 60_000);
  await Promise.all(Array.from({ length: SESSIONS }, (_, s) => session(s)));
  clearInterval(progress);
  clearInterval(sampler);
  await sample();
  const elapsedS = (performance.now() - started) / 1000;

  proxy.kill('SIGTERM');
  const [exitCode] = await exited;
  await mas.sim.close();

  const memory = flatness(samples, elapsedS);
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const total =
    latenciesMs.length + [...errors].filter(([k]) => k.startsWith('no answer')).reduce((a, [, v]) => a + v, 0);
  const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
  const failures = [
    ...(errorCount > 0 ? [`${errorCount} errors`] : []),
    ...(logs.errors > 0 ? [`${logs.errors} error lines in the proxy's log`] : []),
    ...(memory.settled.flat ? [] : ['RSS grew']),
    ...(exitCode === 0 ? [] : [`the proxy exited ${exitCode} after SIGTERM`]),
  ];
  const lines = [
    `soak: ${minutes} min at ${rate} req/s against the MAS simulator, proxy pid ${proxy.pid} (node src/main.ts)`,
    `  requests: ${total} in ${elapsedS.toFixed(0)} s (${(total / elapsedS).toFixed(1)} req/s), ${cycles} whole Entra cycles of 15 requests`,
    `  errors: ${errorCount === 0 ? 'none' : JSON.stringify(Object.fromEntries(errors))}`,
    `  proxy log: ${logs.errors} error, ${logs.warnings} warn lines; ${logs.audit} audit lines`,
    `  latency: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`,
    `  proxy RSS (${samples.length} samples, every ${SAMPLE_EVERY_MS / 1000} s): first ${mb(samples[0]?.rssBytes)}, last ${mb(samples.at(-1)?.rssBytes)}, max ${mb(Math.max(...samples.map((s) => s.rssBytes)))}`,
    `  proxy heap used: first ${mb(samples[0]?.heapUsedBytes)}, last ${mb(samples.at(-1)?.heapUsedBytes)}; heap total ${mb(samples.at(-1)?.heapTotalBytes)}, external ${mb(samples.at(-1)?.externalBytes)} at the end`,
    `  RSS flat: ${memory.settled.flat ? 'yes' : 'NO'}: mean ${mb(memory.lastMean)} over ${memory.lastWindow} against ${mb(memory.settled.baseMean)} over ${memory.settled.window} (after warm-up): ${signed(memory.settled.growth)} (limit ${mb(memory.settled.limit)}: 10 MB or 10 %)`,
    `  (against the second minute, ${memory.early.window}: mean ${mb(memory.early.baseMean)}, ${signed(memory.early.growth)}, ${memory.early.flat ? 'within' : 'beyond'} ${mb(memory.early.limit)})`,
    `  RSS series (MB): ${samples.map((s) => (s.rssBytes / MB).toFixed(0)).join(' ')}`,
    `  heap used series (MB): ${samples.map((s) => (s.heapUsedBytes / MB).toFixed(0)).join(' ')}`,
    `  SIGTERM: the proxy drained and exited ${exitCode}`,
    `result: ${failures.length === 0 ? 'PASS' : `FAIL (${failures.join(', ')})`}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return failures.length === 0 ? 0 : 1;
}

function flatness(samples: readonly Sample[], elapsedS: number) {
  const warmUp = elapsedS / 3;
  const window = Math.min(60, elapsedS / 3);
  const mean = (from: number, to: number) => {
    const inside = samples.filter((s) => s.atS >= from && s.atS < to).map((s) => s.rssBytes);
    return inside.length > 0 ? inside.reduce((a, b) => a + b, 0) / inside.length : Number.NaN;
  };
  const lastMean = mean(elapsedS - window, elapsedS + 1);
  const against = (from: number) => {
    const baseMean = mean(from, from + window);
    const growth = lastMean - baseMean;
    const limit = Math.max(FLAT_BYTES, baseMean * FLAT_RATIO);
    return {
      baseMean,
      growth,
      limit,
      flat: Number.isFinite(growth) && growth <= limit,
      window: span(from, from + window),
    };
  };
  const span = (from: number, to: number) => `${from.toFixed(0)}-${to.toFixed(0)} s`;
  return { lastMean, lastWindow: span(elapsedS - window, elapsedS), settled: against(warmUp), early: against(window) };
}

/** Counts the proxy's log lines by level; error and warn lines are echoed (they should not happen). */
function watchLogs(proxy: ChildProcess) {
  const counts = { errors: 0, warnings: 0, audit: 0 };
  let rest = '';
  proxy.stdout?.setEncoding('utf8');
  proxy.stdout?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('"kind":"audit"')) counts.audit++;
      else if (line.includes('"level":"error"')) counts.errors++;
      else if (line.includes('"level":"warn"')) counts.warnings++;
      else continue;
      if (!line.includes('"kind":"audit"') && counts.errors + counts.warnings <= 10)
        process.stderr.write(`proxy: ${line}\n`);
    }
  });
  proxy.stderr?.on('data', (chunk) => process.stderr.write(`proxy: ${chunk}`));
  return counts;
}

async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`the proxy did not become ready at ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const signed = (bytes: number) => `${bytes >= 0 ? '+' : ''}${mb(bytes)}`;
const mb = (bytes: number | undefined) => (bytes === undefined ? '?' : `${(bytes / MB).toFixed(1)} MB`);

process.exitCode = await main();
