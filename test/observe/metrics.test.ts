import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { type Exchange, newExchange } from '../../src/exchange.ts';
import { createMetrics } from '../../src/observe/metrics.ts';
import { startMetricsServer } from '../../src/observe/metrics-server.ts';
import { tokenExpiry } from '../../src/observe/token-expiry.ts';
import { parseResourcePath } from '../../src/scim/resource-path.ts';

function exchangeOf(method: string, path: string, fill: Partial<Exchange> = {}): Exchange {
  const exchange = newExchange('r1', method);
  exchange.target = parseResourcePath(path);
  return Object.assign(exchange, fill);
}

/** Every label value of every series in the exposition. */
function labelValues(exposition: string): Set<string> {
  return new Set([...exposition.matchAll(/[a-z_]+="([^"]*)"/g)].map((m) => m[1] as string));
}

test('ids, user names and profile names in the path never become label values', async () => {
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: '1.2.3' });
  const id = '2819c223-7f76-453a-919d-413861904646';
  metrics.observer(
    exchangeOf('GET', `/scim/v2/secret-profile/Users/${id}`, { upstreamStatus: 200, upstreamMs: 5 }),
    200,
  );
  metrics.observer(exchangeOf('PATCH', '/scim/v2/secret-profile/Users/alice@contoso.com'), 204);
  metrics.observer(exchangeOf('DELETE', `/scim/v2/secret-profile/Groups/${id}`), 204);
  metrics.observer(exchangeOf('PROPFIND', `/scim/v2/secret-profile/Widgets/${id}`), 404);
  metrics.observer(exchangeOf('GET', '/etc/passwd'), 404);
  const exposition = await registry.metrics();
  const values = labelValues(exposition);
  for (const leaked of [id, 'alice@contoso.com', 'secret-profile', 'Widgets', 'PROPFIND', '/etc/passwd']) {
    assert.equal(values.has(leaked) || exposition.includes(leaked), false, `${leaked} leaked into the metrics`);
  }
  assert.match(exposition, /scim_proxy_requests_total\{method="other",resource="other",code="404"\} 1/);
  assert.match(exposition, /scim_proxy_requests_total\{method="GET",resource="other",code="404"\} 1/);
  assert.match(exposition, /scim_proxy_requests_total\{method="GET",resource="Users",code="200"\} 1/);
  assert.match(exposition, /scim_proxy_requests_total\{method="DELETE",resource="Groups",code="204"\} 1/);
});

test('each exchange counts its request, its durations, its MAS status, its rules and its refusal', async () => {
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: '1.2.3' });
  metrics.observer(
    exchangeOf('PATCH', '/scim/v2/p/Groups/g1', {
      upstreamStatus: 500,
      upstreamMs: 1500,
      applied: ['lowercase-patch-op', 'wrap-bare-members'],
    }),
    500,
  );
  metrics.observer(
    exchangeOf('PATCH', '/scim/v2/p/Groups/g1', {
      applied: ['guard-unfiltered-member-removal'],
      decision: {
        kind: 'refuse',
        status: 400,
        scimType: 'invalidValue',
        reason: 'x',
        rule: 'guard-unfiltered-member-removal',
      },
    }),
    400,
  );
  const exposition = await registry.metrics();
  assert.match(
    exposition,
    /scim_proxy_upstream_request_duration_seconds_bucket\{le="1",method="PATCH",resource="Groups",code="500"\} 0/,
  );
  assert.match(
    exposition,
    /scim_proxy_upstream_request_duration_seconds_bucket\{le="2.5",method="PATCH",resource="Groups",code="500"\} 1/,
  );
  assert.match(exposition, /scim_proxy_request_duration_seconds_count\{method="PATCH",resource="Groups"\} 2/);
  assert.match(exposition, /scim_proxy_rule_applications_total\{rule="wrap-bare-members"\} 1/);
  assert.match(exposition, /scim_proxy_blocked_requests_total\{rule="guard-unfiltered-member-removal"\} 1/);
  assert.match(exposition, /scim_proxy_requests_total\{method="PATCH",resource="Groups",code="400"\} 1/);
});

test('upstream failures are counted by a small set of kinds', async () => {
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: 'x' });
  const cases = {
    timeout: 'timeout',
    ECONNREFUSED: 'connect',
    ENOTFOUND: 'dns',
    ECONNRESET: 'reset',
    CERT_HAS_EXPIRED: 'tls',
    EWHATEVER: 'other',
  };
  for (const error of Object.keys(cases))
    metrics.observer(exchangeOf('GET', '/scim/v2/p/Users', { upstreamError: error }), 502);
  const exposition = await registry.metrics();
  for (const kind of Object.values(cases))
    assert.match(exposition, new RegExp(`scim_proxy_upstream_errors_total\\{kind="${kind}"\\} 1`));
  assert.equal(exposition.includes('EWHATEVER'), false);
});

test('counters an alert watches exist at zero before anything happens', async () => {
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: '0.1.0' });
  metrics.knowRules(['guard-unfiltered-member-removal']);
  const exposition = await registry.metrics();
  for (const series of [
    'scim_proxy_inbound_auth_failures_total{reason="expired"} 0',
    'scim_proxy_oauth_token_requests_total{result="invalid_client"} 0',
    'scim_proxy_oauth_lockouts_total{scope="source"} 0',
    'scim_proxy_upstream_errors_total{kind="timeout"} 0',
    'scim_proxy_mas_token_refreshes_total{result="failure"} 0',
    'scim_proxy_rules_reloads_total{result="failure"} 0',
    'scim_proxy_blocked_requests_total{rule="guard-unfiltered-member-removal"} 0',
    'scim_proxy_rule_applications_total{rule="guard-unfiltered-member-removal"} 0',
    `scim_proxy_build_info{version="0.1.0",node_version="${process.version}"} 1`,
  ]) {
    assert.ok(exposition.includes(series), `missing ${series}`);
  }
  assert.match(exposition, /^nodejs_eventloop_lag_seconds /m);
  assert.match(exposition, /^process_cpu_seconds_total /m);
});

test('the small counters and the token expiry gauge record what they are told', async () => {
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: 'x' });
  metrics.authFailure('expired');
  metrics.authFailure('expired');
  metrics.oauthTokenRequest('issued');
  metrics.oauthLockout('client');
  metrics.tokenRefresh('success');
  metrics.rulesReload('failure');
  metrics.tokenExpiry(new Date(1_900_000_000_000));
  const exposition = await registry.metrics();
  assert.match(exposition, /scim_proxy_inbound_auth_failures_total\{reason="expired"\} 2/);
  assert.match(exposition, /scim_proxy_inbound_auth_failures_total\{reason="missing"\} 0/);
  assert.match(exposition, /scim_proxy_oauth_token_requests_total\{result="issued"\} 1/);
  assert.match(exposition, /scim_proxy_oauth_lockouts_total\{scope="client"\} 1/);
  assert.match(exposition, /scim_proxy_mas_token_refreshes_total\{result="success"\} 1/);
  assert.match(exposition, /scim_proxy_rules_reloads_total\{result="failure"\} 1/);
  assert.match(exposition, /scim_proxy_mas_token_expiry_timestamp_seconds 1900000000/);
});

test('histograms resolve from 1 ms to 60 s', async () => {
  const registry = new Registry();
  createMetrics(registry, { version: 'x' }).observer(exchangeOf('GET', '/scim/v2/p/Users'), 200);
  const exposition = await registry.metrics();
  assert.match(exposition, /scim_proxy_request_duration_seconds_bucket\{le="0.001",/);
  assert.match(exposition, /scim_proxy_request_duration_seconds_bucket\{le="60",/);
});

test('two proxies in one process keep separate registries', async () => {
  const one = new Registry();
  const two = new Registry();
  createMetrics(one, { version: 'a' }).authFailure('missing');
  createMetrics(two, { version: 'b' });
  assert.match(await one.metrics(), /scim_proxy_inbound_auth_failures_total\{reason="missing"\} 1/);
  assert.match(await two.metrics(), /scim_proxy_inbound_auth_failures_total\{reason="missing"\} 0/);
});

test("a JWT's exp claim gives the token's expiry, anything else gives none", () => {
  const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  assert.deepEqual(tokenExpiry(jwt({ exp: 1_900_000_000 })), new Date(1_900_000_000_000));
  assert.equal(tokenExpiry(jwt({ sub: 'x' })), undefined);
  assert.equal(tokenExpiry('opaque-token'), undefined);
  assert.equal(tokenExpiry('a.!!!.c'), undefined);
});

test('the metrics server answers /metrics and nothing else', async (t) => {
  const registry = new Registry();
  createMetrics(registry, { version: 'x' });
  const server = await startMetricsServer(registry, { port: 0, host: '127.0.0.1' });
  t.after(() => server.close());
  const base = `http://127.0.0.1:${server.port}`;
  const metrics = await fetch(`${base}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0.0.4/);
  assert.match(await metrics.text(), /scim_proxy_build_info/);
  const elsewhere = await fetch(`${base}/scim/v2/p/Users`);
  assert.equal(elsewhere.status, 404);
  await elsewhere.text();
  const post = await fetch(`${base}/metrics`, { method: 'POST' });
  assert.equal(post.status, 405);
  await post.text();
});
