// The chart's templates, read as text (no helm binary here): every `.Values` path they use is
// declared in values.yaml and values.schema.json, every value is used and documented, template
// blocks are balanced, and the files the templates load are where they expect them.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';

const chartDir = join(import.meta.dirname, '..', '..', 'helm', 'scim-proxy');

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function templateFiles(dir = join(chartDir, 'templates')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templateFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function readTemplates(): Map<string, string> {
  return new Map(templateFiles().map((file) => [relative(chartDir, file), readFileSync(file, 'utf8')]));
}

function readValues(): Json {
  return parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Json;
}

function readSchema(): Json {
  return JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as Json;
}

/** Template actions, `{{ ... }}`, trimmed of `-` markers, with comments left out. */
function actions(text: string): string[] {
  return [...text.matchAll(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g)]
    .map((m) => (m[1] as string).trim())
    .filter((a) => !a.startsWith('/*'));
}

/**
 * The `.Values` paths a template reads, e.g. "route.tls.termination". A variable bound to a
 * value (`$tls := .Values.route.tls`) is followed: `$tls.termination` reads route.tls.termination,
 * and the binding itself does not count as a read.
 */
function valuesPaths(text: string): { read: string[]; bound: string[] } {
  const aliases = new Map<string, string>();
  const read: string[] = [];
  for (const action of actions(text)) {
    const binding = /^(\$\w+)\s*:=\s*\.Values((?:\.\w+)+)$/.exec(action);
    if (binding) {
      aliases.set(binding[1] as string, (binding[2] as string).slice(1));
      continue;
    }
    for (const m of action.matchAll(/\.Values((?:\.\w+)+)/g)) read.push((m[1] as string).slice(1));
    for (const m of action.matchAll(/(\$\w+)((?:\.\w+)+)/g)) {
      const base = aliases.get(m[1] as string);
      if (base !== undefined) read.push(`${base}${m[2]}`);
    }
  }
  return { read, bound: [...aliases.values()] };
}

function resolveRef(schema: Json, node: unknown): Json | undefined {
  if (!isObject(node)) return undefined;
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const target = ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((n, key) => (isObject(n) ? n[key] : undefined), schema);
  return isObject(target) ? { ...target, ...node } : undefined;
}

function schemaHas(schema: Json, path: string): boolean {
  let node: Json | undefined = schema;
  for (const key of path.split('.')) {
    const properties: unknown = node?.properties;
    node = isObject(properties) ? resolveRef(schema, properties[key]) : undefined;
    if (!node) return false;
  }
  return true;
}

function valuesHas(values: Json, path: string): boolean {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (!isObject(node) || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

/** Leaves of values.yaml, descending only where the schema declares properties (not free maps). */
function leafPaths(schema: Json): string[] {
  const leaves: string[] = [];
  const walk = (node: Json | undefined, value: unknown, path: string[]): void => {
    const properties = node?.properties;
    if (isObject(properties) && isObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) {
        walk(resolveRef(schema, properties[key]), child, [...path, key]);
      }
      return;
    }
    leaves.push(path.join('.'));
  };
  walk(schema, readValues(), []);
  return leaves;
}

describe('chart templates', () => {
  it('read only .Values paths that values.yaml and the schema declare', () => {
    const values = readValues();
    const schema = readSchema();
    const problems: string[] = [];
    for (const [file, text] of readTemplates()) {
      const { read, bound } = valuesPaths(text);
      for (const path of new Set([...read, ...bound])) {
        if (!valuesHas(values, path)) problems.push(`${file}: .Values.${path} is not in values.yaml`);
        if (!schemaHas(schema, path)) problems.push(`${file}: .Values.${path} is not in values.schema.json`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('use every value of values.yaml', () => {
    const used = [...readTemplates().values()].flatMap((text) => valuesPaths(text).read);
    const unused = leafPaths(readSchema()).filter(
      (leaf) => !used.some((path) => path === leaf || path.startsWith(`${leaf}.`) || leaf.startsWith(`${path}.`)),
    );
    assert.deepEqual(unused, []);
  });

  it('have balanced if/with/range/define blocks and parentheses', () => {
    const problems: string[] = [];
    for (const [file, text] of readTemplates()) {
      const stack: string[] = [];
      for (const action of actions(text)) {
        const keyword = /^(if|with|range|define|block|else|end)\b/.exec(action)?.[1];
        if (keyword === 'end') {
          if (stack.pop() === undefined) problems.push(`${file}: {{ end }} without a block`);
        } else if (keyword === 'else') {
          const open = stack.at(-1);
          if (open !== 'if' && open !== 'with' && open !== 'range') problems.push(`${file}: stray {{ else }}`);
        } else if (keyword !== undefined) {
          stack.push(keyword);
        }
        const withoutStrings = action.replace(/"(?:[^"\\]|\\.)*"/g, '""');
        const depth = [...withoutStrings].reduce((d, c) => d + (c === '(' ? 1 : c === ')' ? -1 : 0), 0);
        if (depth !== 0) problems.push(`${file}: unbalanced parentheses in {{ ${action} }}`);
      }
      if (stack.length > 0) problems.push(`${file}: unclosed ${stack.join(', ')}`);
    }
    assert.deepEqual(problems, []);
  });

  it('include only helpers that _helpers.tpl defines', () => {
    const templates = readTemplates();
    const defined = new Set(
      [...(templates.get('templates/_helpers.tpl') ?? '').matchAll(/define "([^"]+)"/g)].map((m) => m[1]),
    );
    const missing = [...templates]
      .flatMap(([file, text]) => [...text.matchAll(/include "([^"]+)"/g)].map((m) => `${file}: ${m[1]}`))
      .filter((ref) => !defined.has(ref.split(': ')[1]));
    assert.deepEqual(missing, []);
  });

  it('load files that exist inside the chart', () => {
    const loaded = [...readTemplates().values()].flatMap((text) =>
      [...text.matchAll(/\.Files\.Get "([^"]+)"/g)].map((m) => m[1] as string),
    );
    assert.deepEqual(new Set(loaded), new Set(['alerts/scim-proxy.rules.yaml', 'dashboards/scim-proxy.json']));
    for (const file of loaded) assert.ok(existsSync(join(chartDir, file)), `${file} is missing`);
  });

  it('get a plain Prometheus rule file with groups only, embeddable under spec', () => {
    const text = readFileSync(join(chartDir, 'alerts', 'scim-proxy.rules.yaml'), 'utf8');
    assert.doesNotMatch(text, /^---/m, 'the rule file must be a single YAML document');
    const rules = parse(text) as Json;
    assert.deepEqual(Object.keys(rules), ['groups']);
    assert.ok(Array.isArray(rules.groups) && rules.groups.length > 0);
  });

  it('get a Grafana dashboard that parses as JSON with a fixed uid', () => {
    const dashboard = JSON.parse(readFileSync(join(chartDir, 'dashboards', 'scim-proxy.json'), 'utf8')) as Json;
    assert.equal(typeof dashboard.uid, 'string');
    assert.equal(typeof dashboard.title, 'string');
  });

  it('probe /livez and /readyz and mount an emptyDir at /tmp', () => {
    const deployment = readTemplates().get('templates/deployment.yaml') ?? '';
    assert.match(deployment, /livenessProbe:\s+httpGet:\s+path: \/livez/);
    assert.match(deployment, /readinessProbe:\s+httpGet:\s+path: \/readyz/);
    assert.match(deployment, /mountPath: \/tmp/);
    assert.match(deployment, /emptyDir:/);
    assert.doesNotMatch(deployment, /runAsUser|fsGroup/);
  });

  it('mount credentials as files and never put a secret value in the environment', () => {
    // The pods' variables are in a helper the Deployment and the helm test pod share.
    const templates = readTemplates();
    const deployment = `${templates.get('templates/deployment.yaml')}${templates.get('templates/_helpers.tpl')}`;
    for (const name of ['SCIM_TOKEN_FILE', 'MAS_API_KEY_FILE', 'MAS_TOKEN_FILE']) {
      assert.match(deployment, new RegExp(`name: ${name}\\s+value: /var/run/secrets/scim-proxy/`));
    }
    assert.doesNotMatch(deployment, /name: (SCIM_TOKEN|MAS_API_KEY|MAS_TOKEN)\s/);
    assert.doesNotMatch(deployment, /secretKeyRef/);
  });

  it('roll the pods when the rules or the group table change', () => {
    const deployment = readTemplates().get('templates/deployment.yaml') ?? '';
    assert.match(
      deployment,
      /checksum\/rules: \{\{ include \(print \$\.Template\.BasePath "\/configmap-rules\.yaml"\)/,
    );
    assert.match(
      deployment,
      /checksum\/groups: \{\{ include \(print \$\.Template\.BasePath "\/configmap-groups\.yaml"\)/,
    );
    assert.ok(existsSync(join(chartDir, 'templates', 'configmap-rules.yaml')));
    assert.ok(existsSync(join(chartDir, 'templates', 'configmap-groups.yaml')));
  });

  it('have a helm test hook that calls /readyz', () => {
    const test = readTemplates().get('templates/tests/test-connection.yaml') ?? '';
    assert.match(test, /helm\.sh\/hook: test/);
    assert.match(test, /\/readyz/);
  });

  it('run scim-proxy doctor in the helm test pod with the configuration, Secret, CA and profile the pods get', () => {
    const templates = readTemplates();
    const test = templates.get('templates/tests/test-connection.yaml') ?? '';
    const deployment = templates.get('templates/deployment.yaml') ?? '';
    assert.match(test, /command:\n\s+- scim-proxy\n\s+- doctor/);
    for (const shared of ['scim-proxy.masEnv', 'scim-proxy.configVolumeMounts', 'scim-proxy.configVolumes']) {
      assert.ok(test.includes(`include "${shared}"`), `the test pod uses ${shared}`);
      assert.ok(deployment.includes(`include "${shared}"`), `the Deployment uses ${shared}`);
    }
    const runtime = templates.get('templates/_helpers.tpl') ?? '';
    for (const variable of [
      'MAS_URL',
      'MAS_PROFILES',
      'MAS_API_KEY_ID',
      'MAS_API_KEY_FILE',
      'SCIM_TOKEN_FILE',
      'NODE_EXTRA_CA_CERTS',
    ])
      assert.match(runtime, new RegExp(`- name: ${variable}\\n`), variable);
    assert.match(runtime, /- name: MAS_PROFILES\n {2}value: \{\{ \. \| quote \}\}/);
    assert.match(runtime, /\.Values\.mas\.profileId/);
  });

  it('print the Entra Tenant URL, Route host plus /scim/v2/<profileId>, in NOTES.txt', () => {
    const notes = readTemplates().get('templates/NOTES.txt') ?? '';
    assert.match(notes, /https:\/\/\{\{ \$host \}\}\/scim\/v2\/\{\{ \$profile \}\}/);
    // Without route.host, the host OpenShift will generate, from the cluster's apps domain: a URL, not a command.
    assert.match(notes, /lookup "config\.openshift\.io\/v1" "Ingress" "" "cluster"/);
    assert.doesNotMatch(notes, /echo "https:/);
  });
});

describe('chart documentation and metadata', () => {
  it('lists every value in the chart README', () => {
    const readme = readFileSync(join(chartDir, 'README.md'), 'utf8');
    const rows = new Set([...readme.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]));
    const missing = leafPaths(readSchema()).filter((leaf) => !rows.has(leaf));
    assert.deepEqual(missing, []);
  });

  it('has the Chart.yaml fields OpenShift chart certification checks', () => {
    const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Json;
    assert.equal(chart.apiVersion, 'v2');
    assert.equal(chart.name, 'scim-proxy');
    assert.equal(chart.type, 'application');
    assert.match(String(chart.version), /^\d+\.\d+\.\d+/);
    assert.equal(typeof chart.appVersion, 'string');
    assert.match(String(chart.kubeVersion), /^>=1\.\d+\.\d+-0$/);
    assert.ok(isObject(chart.annotations) && typeof chart.annotations['charts.openshift.io/name'] === 'string');
  });

  it('keeps appVersion equal to the package version', () => {
    const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8')) as Json;
    const pkg = JSON.parse(readFileSync(join(chartDir, '..', '..', 'package.json'), 'utf8')) as Json;
    assert.equal(chart.appVersion, pkg.version);
  });
});
