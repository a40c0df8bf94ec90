// `helm lint` and `helm template` over the default values and every ci/*.yaml variant, wherever a
// helm binary is on the PATH (a developer laptop, an OpenShift pipeline). Skipped without one.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';

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

  it('renders every values variant into YAML documents that all have a kind', (t) => {
    if (!helmFound()) {
      t.skip('helm binary not found');
      return;
    }
    for (const file of variants()) {
      const out = helm(['template', 'scim', chartDir, '-n', 'scim-proxy', ...(file ? ['-f', file] : [])]);
      const docs = parseAllDocuments(out).filter((doc) => doc.contents !== null);
      assert.ok(docs.length > 0);
      for (const doc of docs) {
        assert.deepEqual(doc.errors, [], String(file));
        assert.equal(typeof doc.get('kind'), 'string', String(file));
      }
    }
  });
});
