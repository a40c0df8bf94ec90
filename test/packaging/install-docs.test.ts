// What an OpenShift administrator reads before installing: the README (and docs/) cover deploying by
// digest and the image-puller grant, builds without internet access or without the Build
// capability, exposing the Route to Entra with the allow-list, and rotation without restart; the
// hosted CI workflow runs what npm test cannot (helm itself, the image build).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const docs = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => readFileSync(join(root, 'docs', f), 'utf8'))
  .join('\n');

/** The README's section from `heading` to the next heading of the same level. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `README has no "## ${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('the install documentation', () => {
  const install = section('Install on OpenShift');
  // The README's install links to docs/image.md for the image's other cases (namespaces, mirrors, no Build).
  const image = readFileSync(join(root, 'docs', 'image.md'), 'utf8');

  it('deploys by digest and grants image pulls across namespaces', () => {
    assert.match(install, /oc get istag scim-proxy:[^ ]+ .*\{\.image\.metadata\.name\}/);
    assert.match(install, /--set image\.digest="\$DIGEST"/);
    assert.match(install, /\(docs\/image\.md\)/);
    assert.match(image, /oc policy add-role-to-user system:image-puller system:serviceaccount:/);
  });

  it('builds without internet access, by digest from mirrors, and without the Build capability', () => {
    for (const arg of ['BUILD_IMAGE', 'RUNTIME_IMAGE', 'NPM_REGISTRY']) {
      assert.match(image, new RegExp(`--build-arg ${arg}=`), arg);
      assert.match(readFileSync(join(root, 'Dockerfile'), 'utf8'), new RegExp(`^ARG ${arg}=`, 'm'), arg);
    }
    assert.match(image, /ImageDigestMirrorSet/);
    assert.match(image, /@sha256:<digest>/);
    assert.match(image, /Build capability/);
    assert.match(image, /podman save|skopeo copy/);
  });

  it('exposes the Route to Entra with the allow-list value and warns about User-Agent rules', () => {
    assert.match(install, /route\.allowedSourceRanges/);
    assert.match(install, /AzureActiveDirectory/);
    assert.match(install, /refresh/i);
    assert.match(install, /User-Agent/);
    assert.match(install, /internet/);
  });

  it('rotates credentials without a restart, with the overlap documented', () => {
    assert.match(install, /docs\/operations\.md#rotation-without-restart/);
    assert.match(docs, /## Rotation without restart/);
    assert.match(docs, /scim-token="\$OLD,\$NEW"/);
    assert.match(docs, /old token gets 401/);
    assert.doesNotMatch(docs + readme, /restart the proxy[^.]*change the token in Entra/i);
  });

  it('says which check runs where', () => {
    assert.match(docs, /### Which check runs where/);
    assert.match(install, /docs\/architecture\.md#which-check-runs-where/);
  });
});

describe('the hosted CI workflow', () => {
  const workflow = parse(readFileSync(join(root, '.github', 'workflows', 'chart-and-image.yaml'), 'utf8')) as {
    on: unknown;
    jobs: Record<string, { steps: Array<{ run?: string; uses?: string }> }>;
  };
  const runs = Object.values(workflow.jobs)
    .flatMap((job) => job.steps.map((step) => step.run ?? ''))
    .join('\n');

  it('runs the real helm lint and helm template with schema validation, and builds and starts the image', () => {
    assert.ok(workflow.on, 'no trigger');
    assert.match(runs, /helm lint --strict helm\/scim-proxy\n/);
    assert.match(runs, /for values in helm\/scim-proxy\/ci\/\*\.yaml; do helm lint --strict/);
    assert.match(runs, /node --test test\/packaging\/helm\.test\.ts/);
    assert.match(runs, /docker build .*-t scim-proxy:ci \./);
    assert.match(runs, /--build-arg BUILD_IMAGE="\$build_digest"/);
    assert.match(runs, /docker run -d .*--user 1000680000:0 --read-only/);
    assert.match(runs, /bash \.ci\/run/);
  });
});
