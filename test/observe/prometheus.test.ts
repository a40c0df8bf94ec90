// The dashboard's queries and the alerts' expressions, run by a real Prometheus against a real
// proxy that has carried the corpus (good requests, wrong tokens, broken bodies, MAS failures).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/observe/logger.ts';
import { createMetrics } from '../../src/observe/metrics.ts';
import { startMetricsServer } from '../../src/observe/metrics-server.ts';
import { startService } from '../../src/service.ts';
import { basic, CLIENT_ID, CLIENT_SECRET, newKey, requestToken, scimGet, secretDir } from '../oauth/oauth-proxy.ts';
import { requireBinary, startPrometheus, waitForData } from './prometheus.ts';
import { ENTRA_TOKEN, sendTraffic, startStandIn } from './traffic.ts';

const RULE_FILE = 'helm/scim-proxy/alerts/scim-proxy.rules.yaml';
const DASHBOARD = 'helm/scim-proxy/dashboards/scim-proxy.json';
const LABELS = { namespace: 'scim-test', pod: 'scim-proxy-test-0' };
/** What Grafana would substitute: the test namespace, every pod, windows that cover the whole run. */
const VARIABLES: Record<string, string> = {
  namespace: LABELS.namespace,
  pod: '.*',
  __rate_interval: '1m',
  __interval: '15s',
  __range: '5m',
};

/** Alerts whose expression is rightly empty after this traffic, and why. */
const QUIET_ALERTS: Record<string, string> = {
  ScimProxyDown: 'the proxy is up',
  ScimProxyInstanceDown: 'the proxy is up',
  ScimProxyMasUnreachable: 'the stand-in MAS answers most requests',
  ScimProxyMasRejectsCredentials: 'the stand-in MAS accepts the MAS token',
  ScimProxyMasSlow: 'the stand-in MAS answers in milliseconds',
  ScimProxyMasProfileMisconfigured: 'MAS_PROFILES is unset here (test/proxy/served-profiles.test.ts covers the lookup)',
};
/** Dashboard panels that are rightly empty after this traffic, and why. */
const QUIET_PANELS: Record<string, string> = {
  'MAS profiles': 'MAS_PROFILES is unset here, so no profile is looked up',
};

interface Panel {
  title: string;
  type: string;
  datasource?: { uid: string };
  targets?: { expr: string; refId: string }[];
}

const substitute = (expr: string) =>
  expr.replace(
    /\$\{?(\w+)\}?/g,
    (match, name: string) => VARIABLES[name] ?? assert.fail(`no value for ${match} in ${expr}`),
  );

const jwt = (exp: number) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'scim', exp })).toString('base64url')}.c2ln`;

test('every dashboard query and alert expression is valid and shows the traffic the proxy carried', {
  timeout: 120_000,
}, async (t) => {
  if (!requireBinary(t, 'prometheus') || !requireBinary(t, 'promtool')) return;
  const upstream = await startStandIn();
  t.after(() => upstream.close());
  const registry = new Registry();
  const metrics = createMetrics(registry, { version: '0.0.0-test' });
  const masToken = jwt(Math.floor(Date.now() / 1000) + 3 * 86400);
  const config = loadConfig({
    PORT: '0',
    MAS_URL: upstream.url,
    SCIM_TOKEN: ENTRA_TOKEN,
    MAS_TOKEN: masToken,
    OAUTH_CLIENT_ID: CLIENT_ID,
    OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    OAUTH_SIGNING_KEY_FILE: secretDir([newKey()]).keyFile,
  });
  const service = await startService(config, new URL(upstream.url), {
    logger: createLogger({ level: 'error', silent: true }),
    host: '127.0.0.1',
    metrics,
  });
  t.after(() => service.drain());
  const metricsServer = await startMetricsServer(registry, { port: 0, host: '127.0.0.1' });
  t.after(() => metricsServer.close());
  const prometheus = await startPrometheus({
    target: `127.0.0.1:${metricsServer.port}`,
    job: 'scim-proxy',
    labels: LABELS,
    ruleFile: RULE_FILE,
  });
  t.after(() => prometheus.close());

  // The zero-valued counters must be scraped before the traffic, or increase() cannot see the first event.
  await waitForData(prometheus, 'scim_proxy_blocked_requests_total{rule="guard-unfiltered-member-removal"} == 0');
  const base = `http://127.0.0.1:${service.port}`;
  const first = await sendTraffic(base);
  // The API-key renewal, the rules reload and a full MAS queue are tested on their own; their metrics
  // are driven directly here.
  metrics.tokenRefresh('failure');
  metrics.rulesReload('failure');
  metrics.masQueueRejected('full');
  // A rotated file's counter has no zero series: created by one rejection, then seen rising by the next.
  metrics.secretReload('SCIM_TOKEN_FILE', 'failure');
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await sendTraffic(base);
  metrics.secretReload('SCIM_TOKEN_FILE', 'failure');
  // Entra's OAuth option: a token bought and used, and a guesser at the token endpoint until locked out.
  const { access_token } = (await (await requestToken(base, { grant_type: 'client_credentials' }, basic())).json()) as {
    access_token: string;
  };
  assert.equal((await scimGet(base, access_token)).status, 200);
  for (let i = 0; i < 12; i++)
    await requestToken(base, { grant_type: 'client_credentials' }, basic(CLIENT_ID, `guess-${i}`));
  await new Promise((resolve) => setTimeout(resolve, 3000));
  for (const status of [200, 201, 204, 400, 401, 404, 500, 502])
    assert.ok(first.has(status), `the traffic includes a ${status}`);

  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  const queried = dashboard.panels.filter((panel) => panel.type !== 'row');
  assert.ok(queried.length >= 15);
  for (const panel of queried) {
    for (const target of panel.targets ?? []) {
      const answer = await prometheus.query(substitute(target.expr));
      assert.equal(answer.status, 'success', `${panel.title} ${target.refId}: ${answer.error}`);
      const rows = answer.data?.result.length ?? 0;
      if (panel.title in QUIET_PANELS) continue;
      assert.ok(rows > 0, `panel "${panel.title}" (${target.refId}) has no data: ${target.expr}`);
    }
  }

  const file = parse(readFileSync(RULE_FILE, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  const alerts = file.groups.flatMap((group) => group.rules);
  for (const alert of alerts) {
    const answer = await prometheus.query(alert.expr);
    assert.equal(answer.status, 'success', `${alert.alert}: ${answer.error}`);
    const rows = answer.data?.result.length ?? 0;
    if (alert.alert in QUIET_ALERTS)
      assert.equal(rows, 0, `${alert.alert} should be quiet: ${QUIET_ALERTS[alert.alert]}`);
    else assert.ok(rows > 0, `${alert.alert} should see the traffic: ${alert.expr}`);
  }
  const rules = await prometheus.get<{
    data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
  }>('/api/v1/rules');
  const loaded = rules.data.groups.flatMap((group) => group.rules);
  assert.equal(loaded.length, alerts.length, 'Prometheus loaded every alert');
  for (const rule of loaded) assert.equal(rule.health, 'ok', `${rule.name}: ${rule.lastError}`);

  const namespaces = await prometheus.get<{ data: string[] }>(
    `/api/v1/label/namespace/values?match[]=scim_proxy_build_info`,
  );
  assert.deepEqual(namespaces.data, [LABELS.namespace], 'the namespace variable finds the proxy');
  const pods = await prometheus.get<{ data: string[] }>(
    `/api/v1/label/pod/values?match[]=scim_proxy_build_info{namespace=~"${LABELS.namespace}"}`,
  );
  assert.deepEqual(pods.data, [LABELS.pod], 'the pod variable finds the proxy');

  const exposition = await (await fetch(`http://127.0.0.1:${metricsServer.port}/metrics`)).text();
  const check = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  assert.equal(`${check.stdout}${check.stderr}`.trim(), '', 'promtool check metrics finds no problem');
  assert.equal(check.status, 0);
});
