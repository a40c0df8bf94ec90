// The chart rendered by Helm's own template engine (test/support/helm-render: text/template, sprig,
// sigs.k8s.io/yaml) with its default values and every ci/*.yaml, as `helm template`, `helm template
// --strict` and `helm lint --strict` would, and every manifest validated against the Kubernetes,
// prometheus-operator, grafana-operator and OpenShift Route schemas with unknown fields rejected.
// The renderer and the validation are shown to catch what a broken template does.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import {
  chartDir,
  ciValueFiles,
  RenderError,
  type RenderOptions,
  render,
  renderManifests,
  renderUnavailable,
} from '../support/helm-render.ts';
import { manifestProblems } from '../support/manifest-schema.ts';

const skip = renderUnavailable();
const clusterAPIs = ['monitoring.coreos.com/v1', 'route.openshift.io/v1', 'grafana.integreatly.org/v1beta1'];

function problemsOf(options: RenderOptions): string[] {
  return renderManifests(options).flatMap(({ template, manifest }) =>
    manifestProblems(manifest).map((p) => `${template} ${String(manifest.kind)}${p}`),
  );
}

/** A copy of the chart with one template edited, removed after the test. */
function brokenChart(t: TestContext, file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'chart-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const copy = join(dir, 'scim-proxy');
  cpSync(chartDir, copy, { recursive: true });
  const path = join(copy, 'templates', file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  assert.notEqual(after, before, `the edit of ${file} changed nothing`);
  writeFileSync(path, after);
  return copy;
}

describe('the chart rendered by Helm’s engine', { skip }, () => {
  for (const file of [undefined, ...ciValueFiles()]) {
    const name = file ? basename(file) : 'default values';
    it(`renders ${name} into manifests the API server accepts, with and without the monitoring CRDs`, () => {
      for (const apiVersions of [[], clusterAPIs]) {
        const options = { valueFiles: file ? [file] : [], apiVersions };
        assert.deepEqual(problemsOf(options), []);
        assert.ok(renderManifests(options).some(({ manifest }) => manifest.kind === 'Deployment'));
      }
    });

    it(`passes helm template --strict and helm lint --strict with ${name}`, () => {
      for (const mode of ['strict', 'lint'] as const) {
        const rendered = render({ valueFiles: file ? [file] : [], apiVersions: clusterAPIs, mode });
        assert.ok(rendered.manifests.length > 0);
        assert.deepEqual(rendered.logs, [], `${mode}: required or fail would stop a real install`);
      }
    });
  }

  it('renders the install notes with the Tenant URL for the configured profile and host', () => {
    const notes = render({ values: { mas: { profileId: 'entra' }, route: { host: 'scim.apps.example.com' } } }).notes;
    assert.match(notes, /https:\/\/scim\.apps\.example\.com\/scim\/v2\/entra/);
    assert.doesNotMatch(notes, /<no value>/);
  });

  it('gives Helm’s values: user files over values.yaml, later files win, null deletes a default', () => {
    const values = render({
      valueFiles: [join(chartDir, 'ci', 'minimal-values.yaml')],
      values: { replicaCount: 3, route: { annotations: null } },
    }).values as { replicaCount: number; mas: { url: string; ca: unknown }; route: Record<string, unknown> };
    assert.equal(values.replicaCount, 3);
    assert.equal(values.mas.url, 'https://coreapi.mas-inst1-core.svc');
    assert.ok(values.mas.ca, 'defaults fill what the user file leaves out');
    assert.equal('annotations' in values.route, false);
  });
});

describe('the render and the schemas catch a broken chart', { skip }, () => {
  it('refuses an indentation that breaks the YAML, naming the template', (t) => {
    const chart = brokenChart(t, 'deployment.yaml', (text) =>
      text.replace(
        '{{- include "scim-proxy.labels" . | nindent 4 }}',
        '{{- include "scim-proxy.labels" . | nindent 1 }}',
      ),
    );
    assert.throws(
      () => render({ chart }),
      (error: Error) => {
        assert.ok(error instanceof RenderError);
        assert.match(error.message, /YAML parse error on scim-proxy\/templates\/deployment\.yaml/);
        return true;
      },
    );
  });

  it('rejects an indentation that stays YAML but puts the selector labels beside spec’s fields', (t) => {
    const chart = brokenChart(t, 'service.yaml', (text) =>
      text.replace(
        'selector:\n    {{- include "scim-proxy.selectorLabels" . | nindent 4 }}',
        'selector:\n    {{- include "scim-proxy.selectorLabels" . | nindent 2 }}',
      ),
    );
    const problems = problemsOf({ chart });
    assert.ok(
      problems.some((p) => p.includes('Service/spec/app.kubernetes.io/name: unknown field')),
      problems.join('\n'),
    );
  });

  it('stops at a missing required value with its message and place, and only logs it under helm lint', (t) => {
    const chart = brokenChart(t, 'service.yaml', (text) =>
      text.replace(
        'spec:\n',
        'spec:\n  # {{ required "mas.url is required: set it to the MAS API" .Values.mas.url }}\n',
      ),
    );
    assert.throws(() => render({ chart }), {
      name: 'RenderError',
      message:
        /^execution error at \(scim-proxy\/templates\/service\.yaml:\d+:\d+\): mas\.url is required: set it to the MAS API$/,
    });
    assert.doesNotThrow(() => render({ chart, values: { mas: { url: 'https://mas.example.com' } } }));
    assert.deepEqual(render({ chart, mode: 'lint' }).logs, [
      '[INFO] Missing required value: mas.url is required: set it to the MAS API',
    ]);
  });

  it('stops at the chart’s own fail: a MAS API key without its id', () => {
    assert.throws(() => render({ values: { secret: { masApiKey: 'k' } } }), {
      name: 'RenderError',
      message: /^execution error at \(scim-proxy\/templates\/deployment\.yaml:\d+:\d+\): mas\.apiKeyId is required/,
    });
  });

  it('renders a misspelt value as empty like helm template, and refuses it in strict mode like helm lint --strict', (t) => {
    const chart = brokenChart(t, 'service.yaml', (text) =>
      text.replace('port: {{ .Values.service.port }}', 'port: {{ .Values.service.prot }}'),
    );
    assert.ok(problemsOf({ chart }).some((p) => p.includes('Service/spec/ports/0/port')));
    assert.throws(() => render({ chart, mode: 'strict' }), /map has no entry for key "prot"/);
    assert.throws(() => render({ chart, mode: 'lint' }), /map has no entry for key "prot"/);
  });

  it('rejects a field the Kubernetes schema does not know, deep in the pod template', (t) => {
    const chart = brokenChart(t, 'deployment.yaml', (text) =>
      text.replace(
        'imagePullPolicy: {{ include "scim-proxy.imagePullPolicy" . }}',
        'imagePullPolicyy: {{ include "scim-proxy.imagePullPolicy" . }}',
      ),
    );
    assert.ok(
      problemsOf({ chart }).some((p) => p.includes('/spec/template/spec/containers/0/imagePullPolicyy: unknown field')),
    );
  });

  it('rejects a wrong type and a wrong enum in the custom resources', (t) => {
    const chart = brokenChart(t, 'route.yaml', (text) =>
      text.replace('wildcardPolicy: None', 'wildcardPolicy: Everything'),
    );
    assert.ok(problemsOf({ chart }).some((p) => p.includes('Route/spec/wildcardPolicy')));
    const monitor = brokenChart(t, 'servicemonitor.yaml', (text) => text.replace('path: /metrics', 'path: [/metrics]'));
    assert.ok(
      problemsOf({ chart: monitor, apiVersions: clusterAPIs }).some((p) =>
        p.includes('ServiceMonitor/spec/endpoints/0/path'),
      ),
    );
  });
});
