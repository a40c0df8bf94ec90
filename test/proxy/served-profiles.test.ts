// MAS_PROFILES: a Tenant URL with another profile id, or none, is answered 404 by the proxy with the
// configured ids and the Tenant URL form, and never reaches MAS. Unset, every profile passes as before.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import type { Exchange } from '../../src/exchange.ts';
import { createLogger } from '../../src/observe/logger.ts';
import { createMetrics } from '../../src/observe/metrics.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { auth, errorOf, startProxy } from '../support/proxy.ts';
import { startUpstream } from '../support/upstream.ts';

const list = `/Users?filter=${encodeURIComponent('userName eq "x"')}`;

async function setup(t: test.TestContext, env: Record<string, string>) {
  const mas = await startUpstream();
  const seen: Exchange[] = [];
  const proxy = await startProxy(mas.url, env, [(exchange) => seen.push(exchange)]);
  t.after(async () => {
    await proxy.close();
    await mas.close();
  });
  // The proxy's own profile lookup at start reaches MAS too; forwarded requests carry a request id.
  const forwarded = () => mas.seen.filter((request) => request.headers['x-request-id'] !== undefined);
  return { mas, proxy, seen, forwarded };
}

test('a wrong profile id in the Tenant URL is a 404 naming the served ids, and MAS never hears of it', async (t) => {
  const { forwarded, proxy } = await setup(t, { MAS_PROFILES: 'MasProfile1, MasProfile2' });
  const res = await fetch(`${proxy.url}/scim/v2/WrongProfile${list}`, { headers: auth });
  assert.equal(res.status, 404);
  const body = await errorOf(res);
  assert.deepEqual(body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  assert.match(body.detail, /serves MAS profiles MasProfile1, MasProfile2 \(MAS_PROFILES\), not "WrongProfile"/);
  assert.match(
    body.detail,
    /Set Entra's Tenant URL to \.\.\.\/scim\/v2\/<profileId> with one of: MasProfile1, MasProfile2 \(e\.g\. https:\/\/127\.0\.0\.1:\d+\/scim\/v2\/MasProfile1\)/,
  );
  assert.equal(forwarded().length, 0);
});

test('a Tenant URL without a profile id is a 404 saying so, and the audit does not take Users for a profile', async (t) => {
  const { forwarded, proxy, seen } = await setup(t, { MAS_PROFILES: 'MasProfile1' });
  const res = await fetch(`${proxy.url}/scim/v2${list}`, { headers: auth });
  assert.equal(res.status, 404);
  assert.match((await errorOf(res)).detail, /names no MAS profile: GET \/scim\/v2\/Users\. Set Entra's Tenant URL/);
  assert.equal(forwarded().length, 0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(seen[0]?.target?.profile, undefined);
  assert.equal(seen[0]?.target?.resource, 'Users');
  assert.equal(seen[0]?.error?.code, 'profile_missing');
  const profiles = await fetch(`${proxy.url}/scim/v2/Profiles/MasProfile1`, { headers: auth });
  assert.equal(profiles.status, 404, 'the Profiles API is no profile of Entra');
  assert.equal(forwarded().length, 0);
});

test('a served profile passes through unchanged', async (t) => {
  const { forwarded, proxy } = await setup(t, { MAS_PROFILES: 'MasProfile1,MasProfile2' });
  const res = await fetch(`${proxy.url}/scim/v2/MasProfile2${list}`, { headers: auth });
  assert.equal(res.status, 200);
  assert.equal(forwarded()[0]?.path, '/scim/v2/MasProfile2/Users');
});

test('the served profiles are told only to a caller with the Secret Token', async (t) => {
  const { proxy } = await setup(t, { MAS_PROFILES: 'MasProfile1' });
  const res = await fetch(`${proxy.url}/scim/v2/WrongProfile${list}`);
  assert.equal(res.status, 401);
  assert.doesNotMatch((await errorOf(res)).detail, /MasProfile1/);
});

test('unset, any profile id reaches MAS as before', async (t) => {
  const { forwarded, proxy } = await setup(t, {});
  const res = await fetch(`${proxy.url}/scim/v2/WrongProfile${list}`, { headers: auth });
  assert.equal(res.status, 200);
  assert.equal(forwarded().length, 1);
});

test('a MAS_PROFILES entry that cannot be a profile id is a configuration problem', async () => {
  const { loadConfig, ConfigError } = await import('../../src/config.ts');
  assert.throws(
    () => loadConfig({ MAS_PROFILES: 'MasProfile1,/scim/v2/p2' }),
    (error: unknown) =>
      error instanceof ConfigError && /MAS_PROFILES=.* holds "\/scim\/v2\/p2", not a profile id/.test(error.message),
  );
});

async function lookupSetup(t: test.TestContext, profiles: string) {
  const sim = await startSimulator({
    staticTokens: ['mas-token-for-tests'],
    profiles: [
      { id: 'good', version: 1, runtimeConfigs: { useGroupDisplayNameAsGroupId: true } },
      { id: 'suffixing', version: 1 },
    ],
  });
  const stream = new PassThrough();
  let log = '';
  stream.on('data', (d: Buffer) => {
    log += d;
  });
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: 'test' });
  const proxy = await startProxy(sim.url, { MAS_PROFILES: profiles }, [], {
    logger: createLogger({ level: 'info', stream }),
    metrics,
  });
  t.after(async () => {
    await proxy.close();
    await sim.close();
  });
  const lines = () =>
    log
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const state = async (profile: string) =>
    (await registry.getSingleMetric('scim_proxy_mas_profile_state')?.get())?.values.find(
      (v) => v.labels.profile === profile && v.value === 1,
    )?.labels.state;
  return { proxy, lines, state };
}

test('at start a missing profile and one without useGroupDisplayNameAsGroupId are warnings with the fix, and a metric', async (t) => {
  const { lines, state } = await lookupSetup(t, 'good,suffixing,absent');
  const deadline = Date.now() + 5000;
  while ((await state('absent')) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await state('good'), 'ok');
  assert.equal(await state('suffixing'), 'no_group_display_names');
  assert.equal(await state('absent'), 'missing');
  const suffixing = lines().find((l) => l.message === 'MAS profile lacks useGroupDisplayNameAsGroupId');
  assert.equal(suffixing?.level, 'warn');
  assert.equal(suffixing?.profile, 'suffixing');
  assert.match(String(suffixing?.fix), /useGroupDisplayNameAsGroupId: true and run scim-proxy profiles apply/);
  const absent = lines().find((l) => l.message === 'MAS profile does not exist');
  assert.equal(absent?.profile, 'absent');
  assert.match(String(absent?.fix), /profiles apply FILE/);
});

test('MAS down at start leaves the profile unchecked; the first successful /readyz looks it up again', async (t) => {
  let up = false;
  const mas = await startUpstream({
    respond: (_request, res) => {
      res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(up ? { id: 'p1', runtimeConfigs: { useGroupDisplayNameAsGroupId: true } } : {}));
    },
  });
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: 'test' });
  const proxy = await startProxy(mas.url, { MAS_PROFILES: 'p1' }, [], { metrics });
  t.after(async () => {
    await proxy.close();
    await mas.close();
  });
  const state = async () =>
    (await registry.getSingleMetric('scim_proxy_mas_profile_state')?.get())?.values.find((v) => v.value === 1)?.labels
      .state;
  const wait = async (expected: string) => {
    const deadline = Date.now() + 5000;
    while ((await state()) !== expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await state(), expected);
  };
  await wait('unchecked');
  up = true;
  assert.equal((await fetch(`${proxy.url}/readyz`)).status, 200);
  await wait('ok');
});
