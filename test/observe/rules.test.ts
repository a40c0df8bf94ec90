// The alert rules and the dashboard as files: promtool accepts and unit-tests the rules, and the
// dashboard keeps the shape the chart and Grafana rely on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { requireBinary } from './prometheus.ts';

const RULES = 'helm/scim-proxy/alerts/scim-proxy.rules.yaml';
const RULE_TESTS = 'helm/scim-proxy/alerts/scim-proxy.rules.test.yaml';
const DASHBOARD = 'helm/scim-proxy/dashboards/scim-proxy.json';

interface AlertRule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: Record<string, string>;
}
const alerts = () =>
  (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: AlertRule[] }[] }).groups.flatMap((g) => g.rules);

test('promtool accepts the rule file', (t) => {
  if (!requireBinary(t, 'promtool')) return;
  const run = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, new RegExp(`SUCCESS: ${alerts().length} rules found`));
});

test("the rules' unit tests pass and cover every alert", (t) => {
  if (!requireBinary(t, 'promtool')) return;
  const run = spawnSync('promtool', ['test', 'rules', RULE_TESTS], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const tested = new Set([...readFileSync(RULE_TESTS, 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
  for (const alert of alerts()) assert.ok(tested.has(alert.alert), `${alert.alert} has no promtool test`);
});

test('every alert is prefixed, has a severity, a summary, a description and a runbook', () => {
  // Where each runbook_url points is checked with the runbooks themselves, in test/docs/reference.test.ts.
  for (const alert of alerts()) {
    assert.match(alert.alert, /^ScimProxy[A-Z]\w+$/);
    assert.ok(['critical', 'warning', 'info'].includes(alert.labels.severity), alert.alert);
    assert.ok(alert.annotations.summary && alert.annotations.description, alert.alert);
    assert.ok(alert.annotations.runbook_url, alert.alert);
  }
});

test('the dashboard has a fixed uid, the three variables and every panel on the chosen data source', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
  assert.equal(dashboard.uid, 'scim-proxy');
  const variables = dashboard.templating.list as { name: string; type: string; query: unknown }[];
  assert.deepEqual(
    variables.map((v) => [v.name, v.type]),
    [
      ['datasource', 'datasource'],
      ['namespace', 'query'],
      ['pod', 'query'],
    ],
  );
  assert.equal(variables[0]?.query, 'prometheus');
  const ids = new Set<number>();
  for (const panel of dashboard.panels as {
    id: number;
    type: string;
    title: string;
    datasource?: { uid: string };
    targets?: { expr: string }[];
  }[]) {
    assert.equal(ids.has(panel.id), false, `duplicate panel id ${panel.id}`);
    ids.add(panel.id);
    if (panel.type === 'row') continue;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
    assert.equal(panel.datasource?.uid, '${datasource}', panel.title);
    for (const target of panel.targets ?? []) {
      if (/scim_proxy_|nodejs_|process_/.test(target.expr))
        assert.match(target.expr, /namespace=~"\$namespace", pod=~"\$pod"/, panel.title);
    }
  }
});
