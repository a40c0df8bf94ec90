// `npm run bench:sync`: the initial sync of a large tenant, replayed through scim-proxy into the MAS
// simulator as Entra sends it: for each user a match GET then a POST; the groups likewise; the
// memberships in batched add PATCHes; then legacy removals of one member each. Every answer must be
// the expected one, and at the end the simulator must hold every membership that was not removed.
// Sizes keep the issue's proportions (100,000 users : 1,000 groups : 50,000 adds : 5,000 removals);
// --users sets the scale. Tables go to stdout and bench/RESULTS.md.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startChild } from './child.ts';
import { imageNodeOptions } from './image-node-options.ts';
import { machine } from './machine.ts';
import { startProxy } from './proxy-process.ts';
import { writeSection } from './results-file.ts';
import { type ProcessSample, scrape } from './scrape.ts';
import { BENCH_SCIM_TOKEN, newUser, PROFILE, userNameFilter } from './workloads.ts';

const HELP = `npm run bench:sync [-- options]
  --users N          users to create (100000); groups N/100, member adds N/2, legacy removals N/20
  --concurrency N    requests in flight at once, as Entra's parallel connections (8)
  --batch N          members per add PATCH (25)
  --out FILE         where the table goes (bench/RESULTS.md); --no-write for stdout only
  --source           run scim-proxy from src/*.ts instead of the compiled files`;

const { values: flags } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '8' },
    batch: { type: 'string', default: '25' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'RESULTS.md') },
    'no-write': { type: 'boolean', default: false },
    source: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const users = Number(flags.users);
const sizes = {
  users,
  groups: Math.max(1, Math.round(users / 100)),
  adds: Math.round(users / 2),
  removals: Math.round(users / 20),
  concurrency: Number(flags.concurrency),
  batch: Number(flags.batch),
};
// MAS answers a PATCH 200 with the resource (the simulator does too) or 204: Entra takes both.
const PATCHED = [200, 204];
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const log = (line: string) => process.stderr.write(`bench:sync: ${line}\n`);

interface Phase {
  name: string;
  requests: number;
  seconds: number;
  failures: number;
  after: ProcessSample;
  /** The proxy's own time (its request time less MAS's) over its request time, for this phase. */
  proxyShare: number;
}

const machineLine = machine();
const simulator = await startChild<{ url: string }>(new URL('servers/simulator.ts', import.meta.url));
// As the image runs it: with the Dockerfile's V8 flags.
const proxy = await startProxy(simulator.ready.url, { source: flags.source, execArgv: imageNodeOptions() });
const base = `${proxy.url}/scim/v2/${PROFILE}`;
const headers = { authorization: `Bearer ${BENCH_SCIM_TOKEN}`, 'content-type': 'application/scim+json' };
const failures: string[] = [];

async function call(method: string, path: string, expected: readonly number[], body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!expected.includes(res.status)) {
    if (failures.length < 1000) failures.push(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return undefined;
  }
  return text ? JSON.parse(text) : undefined;
}

/** Runs `work` for 0..count-1 with at most `concurrency` in flight. */
async function pool(count: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(sizes.concurrency, count) }, worker));
}

const phases: Phase[] = [];
let previous = await scrape(proxy.metricsUrl);
async function phase(name: string, requests: number, run: () => Promise<void>): Promise<void> {
  log(`${name}: ${requests.toLocaleString('en')} requests`);
  const failedBefore = failures.length;
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const after = await scrape(proxy.metricsUrl);
  const requestSeconds = after.requestSeconds - previous.requestSeconds;
  const upstreamSeconds = after.upstreamSeconds - previous.upstreamSeconds;
  phases.push({
    name,
    requests,
    seconds,
    failures: failures.length - failedBefore,
    after,
    proxyShare: (requestSeconds - upstreamSeconds) / requestSeconds,
  });
  previous = after;
}

const userIds: string[] = new Array(sizes.users);
const groupIds: string[] = new Array(sizes.groups);
const userName = (i: number) => `user${String(i).padStart(6, '0')}@contoso.com`;
// Membership k: user k in group k mod groups, so adds and removals spread over every group.
const groupOf = (k: number) => k % sizes.groups;

try {
  await phase('users: match GET + POST', sizes.users * 2, () =>
    pool(sizes.users, async (i) => {
      const name = userName(i);
      await call('GET', `/Users?${userNameFilter(name)}`, [200]);
      const created = (await call('POST', '/Users', [201], newUser(name, `ext${i}`))) as { id?: string } | undefined;
      userIds[i] = created?.id ?? '';
    }),
  );
  await phase('groups: match GET + POST', sizes.groups * 2, () =>
    pool(sizes.groups, async (g) => {
      const displayName = `Maximo Group ${g}`;
      await call(
        'GET',
        `/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}&excludedAttributes=members`,
        [200],
      );
      const created = (await call('POST', '/Groups', [201], {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName,
        externalId: `grp${g}`,
        members: [],
      })) as { id?: string } | undefined;
      groupIds[g] = created?.id ?? '';
    }),
  );
  // Each group's members, in order, cut into batches of `batch`: one add PATCH per batch.
  const batches: { group: number; members: number[] }[] = [];
  for (let g = 0; g < sizes.groups; g++) {
    const members: number[] = [];
    for (let k = g; k < sizes.adds; k += sizes.groups) members.push(k);
    for (let i = 0; i < members.length; i += sizes.batch)
      batches.push({ group: g, members: members.slice(i, i + sizes.batch) });
  }
  await phase(`adds: ${sizes.adds.toLocaleString('en')} members in PATCHes of ${sizes.batch}`, batches.length, () =>
    pool(batches.length, async (b) => {
      const { group, members } = batches[b] as { group: number; members: number[] };
      await call('PATCH', `/Groups/${encodeURIComponent(groupIds[group] ?? '')}`, PATCHED, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Add', path: 'members', value: members.map((k) => ({ value: userIds[k] })) }],
      });
    }),
  );
  await phase('legacy removals: one member each', sizes.removals, () =>
    pool(sizes.removals, async (k) => {
      await call('PATCH', `/Groups/${encodeURIComponent(groupIds[groupOf(k)] ?? '')}`, PATCHED, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: userIds[k] }] }],
      });
    }),
  );

  const held = await simulator.ask<{ users: number; groups: number; members: Record<string, number> }>({
    type: 'summary',
  });
  const wrong: string[] = [];
  if (held.users !== sizes.users) wrong.push(`the simulator holds ${held.users} users, not ${sizes.users}`);
  if (held.groups !== sizes.groups) wrong.push(`the simulator holds ${held.groups} groups, not ${sizes.groups}`);
  groupIds.forEach((id, g) => {
    const added = Math.ceil((sizes.adds - g) / sizes.groups);
    const removed = Math.max(0, Math.ceil((sizes.removals - g) / sizes.groups));
    const expected = added - removed;
    if (held.members[id] !== expected) wrong.push(`group ${id} has ${held.members[id]} members, not ${expected}`);
  });
  const report = render(phases, wrong);
  process.stdout.write(`\n${report}\n`);
  if (!flags['no-write']) {
    await writeSection(flags.out, 'bench-sync', report);
    log(`table written to ${flags.out}`);
  }
  if (failures.length > 0 || wrong.length > 0) process.exitCode = 1;
} finally {
  await proxy.stop();
  await simulator.stop();
}

function render(phases: readonly Phase[], wrong: readonly string[]): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const total = phases.reduce((s, p) => s + p.seconds, 0);
  const requests = phases.reduce((s, p) => s + p.requests, 0);
  const rows = phases.map(
    (p) =>
      `| ${p.name} | ${p.requests.toLocaleString('en')} | ${p.seconds.toFixed(1)} | ${(p.requests / p.seconds).toFixed(0)} | ${(100 * p.proxyShare).toFixed(1)}% | ${mb(p.after.rssBytes)} | ${p.after.eventLoopP99Ms.toFixed(1)} | ${p.failures} |`,
  );
  const rss = phases.map((p) => p.after.rssBytes);
  return [
    `Measured ${new Date().toISOString()} on ${machineLine}.`,
    `${sizes.users.toLocaleString('en')} users, ${sizes.groups.toLocaleString('en')} groups, ${sizes.adds.toLocaleString('en')} member adds, ${sizes.removals.toLocaleString('en')} legacy removals; ${sizes.concurrency} requests in flight; scim-proxy and the simulator each in its own process.`,
    '',
    '| phase | requests | seconds | req/s | proxy share of request time | proxy RSS MB after | event-loop p99 ms | failed |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    `| **total** | ${requests.toLocaleString('en')} | ${total.toFixed(1)} | ${(requests / total).toFixed(0)} | | max ${mb(Math.max(...rss))}, min ${mb(Math.min(...rss))} | | ${failures.length} |`,
    '',
    wrong.length === 0 && failures.length === 0
      ? `Zero errors; the simulator holds every user and group, and every group holds exactly the members added less those removed (${(sizes.adds - sizes.removals).toLocaleString('en')} memberships).`
      : ['Errors:', ...failures.slice(0, 10), ...wrong.slice(0, 10)].map((line) => `- ${line}`).join('\n'),
    '',
  ].join('\n');
}
