// `helm lint` and `helm template` over the default values and every ci/*.yaml variant, wherever a
// helm binary is on the PATH (a developer laptop, hosted CI, an OpenShift pipeline), each manifest
// validated against the same schemas as chart-render.test.ts. Skipped without helm; the render of
// chart-render.test.ts (Helm's engine without the binary) runs everywhere.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { renderManifests, renderUnavailable } from '../support/helm-render.ts';
import { manifestProblems } from '../support/manifest-schema.ts';

const chartDir = join(import.meta.dirname, '..', '..', 'helm', 'scim-proxy');

function helmFound(): boolean {
  return spawnSync('helm', ['version', '--short'], { encoding: 'utf8' }).status === 0;
}

function variants(): Array<string | undefined> {
  const ci = readdirSync(join(chartDir, 'ci')).filter((f) => /\.ya?ml$/.test(f));
  return [undefined, ...ci.map((f) => join(chartDir, 'ci', f))];
}

function helm(args: string[]): string {
  return execFileSync('helm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `helm template` of the chart with one values file (none: the defaults), as these API versions exist. */
function helmTemplate(file: string | undefined, apiVersions: readonly string[]): string {
  return helm([
    'template',
    'scim',
    chartDir,
    '-n',
    'scim-proxy',
    ...apiVersions.flatMap((v) => ['--api-versions', v]),
    ...(file ? ['-f', file] : []),
  ]);
}

describe('helm', () => {
  it('lints the chart with every values variant', (t) => {
    if (!helmFound()) {
      t.skip('helm binary not found');
      return;
    }
    for (const file of variants()) {
      helm(['lint', '--strict', chartDir, ...(file ? ['-f', file] : [])]);
    }
  });

  it('renders every values variant into manifests the API server accepts', (t) => {
    if (!helmFound()) {
      t.skip('helm binary not found');
      return;
    }
    for (const file of variants()) {
      const apiVersions = ['monitoring.coreos.com/v1', 'route.openshift.io/v1', 'grafana.integreatly.org/v1beta1'];
      const out = helmTemplate(file, apiVersions);
      const docs = parseAllDocuments(out).filter((doc) => doc.contents !== null);
      assert.ok(docs.length > 0);
      for (const doc of docs) {
        assert.deepEqual(doc.errors, [], String(file));
        assert.equal(typeof doc.get('kind'), 'string', String(file));
        assert.deepEqual(manifestProblems(doc.toJS()), [], String(file));
      }
    }
  });

  it('renders the same manifests as the Go renderer of chart-render.test.ts', (t) => {
    if (!helmFound()) return t.skip('helm binary not found');
    const unavailable = renderUnavailable();
    if (unavailable) return t.skip(unavailable);
    const apiVersions = ['monitoring.coreos.com/v1'];
    const sorted = (docs: unknown[]) => docs.map((d) => JSON.stringify(d)).sort();
    for (const file of variants()) {
      const out = helmTemplate(file, apiVersions);
      const byHelm = parseAllDocuments(out)
        .filter((doc) => doc.contents !== null)
        .map((doc) => doc.toJS());
      const ours = renderManifests({ valueFiles: file ? [file] : [], apiVersions }).map((m) => m.manifest);
      assert.deepEqual(sorted(ours), sorted(byHelm), String(file));
    }
  });
});
