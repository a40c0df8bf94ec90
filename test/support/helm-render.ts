// Renders the chart with test/support/helm-render (Go's text/template, sprig and sigs.k8s.io/yaml:
// the libraries Helm's engine is made of), for machines without a helm binary. The Go program is
// built once per source version into node_modules/.cache, offline, from Debian's packages
// (golang-go, golang-github-masterminds-sprig-dev, golang-k8s-sigs-yaml-dev; .ci/run installs them).

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const sourceDir = join(import.meta.dirname, 'helm-render');
const repoDir = join(import.meta.dirname, '..', '..');
export const chartDir = join(repoDir, 'helm', 'scim-proxy');
const goPath = process.env.HELM_RENDER_GOPATH ?? '/usr/share/gocode';
const libraries = ['github.com/Masterminds/sprig', 'sigs.k8s.io/yaml'];

export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string };

export interface Rendered {
  manifests: Array<{ template: string; content: string }>;
  notes: string;
  values: Record<string, unknown>;
  logs: string[];
}

export interface RenderOptions {
  chart?: string;
  /** Values files, applied in order like `-f`. */
  valueFiles?: string[];
  /** Values applied after the files, like one more `-f`. */
  values?: Record<string, unknown>;
  releaseName?: string;
  namespace?: string;
  apiVersions?: string[];
  /** template: `helm template`; strict: `helm template --strict`; lint: `helm lint --strict`. */
  mode?: 'template' | 'strict' | 'lint';
}

/** Helm refused the chart; the message is what Helm would print after "Error: ". */
export class RenderError extends Error {
  override name = 'RenderError';
}

function missingTools(): string | undefined {
  if (spawnSync('go', ['version'], { encoding: 'utf8' }).status !== 0) return 'no Go toolchain (go) on the PATH';
  const absent = libraries.filter((lib) => !existsSync(join(goPath, 'src', lib)));
  if (absent.length > 0) return `Go libraries missing under ${goPath}/src: ${absent.join(', ')}`;
  return undefined;
}

/**
 * Why the render cannot run here, or undefined when it can. In CI (CI=true) a missing tool is an
 * error, never a skip; elsewhere the tests skip with this reason and how to install what is missing.
 */
export function renderUnavailable(): string | undefined {
  const missing = missingTools();
  if (missing === undefined) return undefined;
  const reason = `${missing}: apt-get install golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev (or set HELM_RENDER_GOPATH)`;
  if (process.env.CI) throw new Error(`the chart render must run in CI, but ${reason}`);
  return reason;
}

let binary: string | undefined;

function renderer(): string {
  if (binary && existsSync(binary)) return binary;
  const source = readFileSync(join(sourceDir, 'main.go'));
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(repoDir, 'node_modules', '.cache', 'helm-render', hash);
  const target = join(dir, 'helm-render');
  if (!existsSync(target)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${target}.${process.pid}`;
    execFileSync('go', ['build', '-o', partial, '.'], {
      cwd: sourceDir,
      env: { ...process.env, GO111MODULE: 'off', GOPATH: goPath, GOFLAGS: '', GOPROXY: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    renameSync(partial, target);
  }
  binary = target;
  return target;
}

export function render(options: RenderOptions = {}): Rendered {
  const args = ['--chart', options.chart ?? chartDir];
  args.push('--release-name', options.releaseName ?? 'scim', '--namespace', options.namespace ?? 'scim-proxy');
  for (const file of options.valueFiles ?? []) args.push('-f', file);
  let scratch: string | undefined;
  if (options.values) {
    scratch = mkdtempSync(join(tmpdir(), 'helm-render-'));
    const file = join(scratch, 'values.json');
    writeFileSync(file, JSON.stringify(options.values));
    args.push('-f', file);
  }
  for (const apiVersion of options.apiVersions ?? []) args.push('--api-versions', apiVersion);
  if (options.mode === 'strict') args.push('--strict');
  if (options.mode === 'lint') args.push('--lint');
  try {
    const result = spawnSync(renderer(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) throw new RenderError(result.stderr.replace(/^Error: /, '').trim());
    return JSON.parse(result.stdout) as Rendered;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

/** The rendered documents as objects, each with the template it came from; comment-only documents left out. */
export function renderManifests(options: RenderOptions = {}): Array<{ template: string; manifest: Manifest }> {
  return render(options).manifests.flatMap(({ template, content }) =>
    parseAllDocuments(content)
      .filter((doc) => doc.contents !== null)
      .map((doc) => {
        if (doc.errors.length > 0) throw new RenderError(`YAML parse error on ${template}: ${doc.errors[0]?.message}`);
        return { template, manifest: doc.toJS() as Manifest };
      }),
  );
}

/** The one manifest of a kind (and name suffix, when several share the kind). */
export function manifestOf(
  manifests: Array<{ manifest: Manifest }>,
  kind: string,
  nameSuffix = '',
): Manifest & { metadata: Record<string, unknown>; spec: Record<string, unknown> } {
  const found = manifests
    .map((m) => m.manifest)
    .filter((m) => m.kind === kind && String((m.metadata as { name?: string })?.name ?? '').endsWith(nameSuffix));
  if (found.length !== 1)
    throw new Error(`expected one ${kind}${nameSuffix ? ` *${nameSuffix}` : ''}, found ${found.length}`);
  return found[0] as Manifest & { metadata: Record<string, unknown>; spec: Record<string, unknown> };
}

/** ci/*.yaml files, the value sets the chart must render with (as `helm lint` and chart-testing use them). */
export function ciValueFiles(): string[] {
  const dir = join(chartDir, 'ci');
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}
