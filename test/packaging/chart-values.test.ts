// The chart's values: values.yaml and every ci/*.yaml variant pass values.schema.json (as Helm
// checks them at install), the schema refuses what it should, and the defaults keep their promises.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const chartDir = join(import.meta.dirname, '..', '..', 'helm', 'scim-proxy');

type Values = Record<string, unknown>;

function readYaml(path: string): Values {
  return (parse(readFileSync(path, 'utf8')) ?? {}) as Values;
}

function isObject(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Helm merges user values over values.yaml: maps recursively, anything else replaced, null deletes.
function merge(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    if (value === null) delete out[key];
    else if (isObject(current) && isObject(value)) out[key] = merge(current, value);
    else out[key] = value;
  }
  return out;
}

function compileSchema() {
  const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
  const ajv = new Ajv({ strict: true, allErrors: true });
  return ajv.compile(schema);
}

function defaults(): Values {
  return readYaml(join(chartDir, 'values.yaml'));
}

function withValue(path: string, value: unknown): Values {
  const override: Values = {};
  let node = override;
  const keys = path.split('.');
  for (const key of keys.slice(0, -1)) {
    const child: Values = {};
    node[key] = child;
    node = child;
  }
  node[keys.at(-1) as string] = value;
  return merge(defaults(), override);
}

function durationSeconds(text: string): number {
  const match = /^(\d+)(us|ms|s|m|h|d)$/.exec(text);
  assert.ok(match, `not a HAProxy duration: ${text}`);
  const unit = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as string] as number;
  return Number(match[1]) * unit;
}

function at(values: Values, path: string): unknown {
  let node: unknown = values;
  for (const key of path.split('.')) node = isObject(node) ? node[key] : undefined;
  return node;
}

describe('chart values against values.schema.json', () => {
  it('accepts the default values.yaml', () => {
    const validate = compileSchema();
    assert.ok(validate(defaults()), JSON.stringify(validate.errors, null, 2));
  });

  const ciFiles = readdirSync(join(chartDir, 'ci')).filter((f) => /\.ya?ml$/.test(f));

  it('has the value variants the chart documents', () => {
    for (const name of [
      'minimal',
      'existing-secret',
      'ingress-no-route',
      'reencrypt',
      'grafana-configmap',
      'grafana-operator',
    ]) {
      assert.ok(ciFiles.includes(`${name}-values.yaml`), `ci/${name}-values.yaml is missing`);
    }
  });

  for (const file of ciFiles) {
    it(`accepts ci/${file} merged over values.yaml`, () => {
      const validate = compileSchema();
      const values = merge(defaults(), readYaml(join(chartDir, 'ci', file)));
      assert.ok(validate(values), JSON.stringify(validate.errors, null, 2));
    });
  }

  const rejected: Array<[string, unknown]> = [
    ['route.tls.termination', 'passthrough'],
    ['route.timeout', 'ninety seconds'],
    ['config.logLevel', 'verbose'],
    ['config.upstreamTimeoutMs', 60000],
    ['service.port', 80],
    ['replicaCount', '2'],
    ['mas.url', 'coreapi.mas-inst1-core.svc'],
    ['image.digest', 'latest'],
    ['metrics.grafanaDashboard.kind', 'Dashboard'],
    ['secret.existingSecret', true],
    ['mas.tokenUrl', 'https://example.com'],
    ['unknownTopLevelValue', 1],
  ];
  for (const [path, value] of rejected) {
    it(`rejects ${path}: ${JSON.stringify(value)}`, () => {
      const validate = compileSchema();
      assert.equal(validate(withValue(path, value)), false, `${path}=${JSON.stringify(value)} was accepted`);
    });
  }

  it('accepts a percentage or a number for podDisruptionBudget.minAvailable', () => {
    const validate = compileSchema();
    assert.ok(validate(withValue('podDisruptionBudget.minAvailable', '50%')));
    assert.ok(validate(withValue('podDisruptionBudget.minAvailable', 1)));
    assert.equal(validate(withValue('podDisruptionBudget.minAvailable', 'half')), false);
  });
});

describe('chart defaults', () => {
  it('set the Route timeout above Entra 60 s and above the upstream timeout', () => {
    const values = defaults();
    const routeSeconds = durationSeconds(at(values, 'route.timeout') as string);
    assert.ok(routeSeconds > 60, `route.timeout ${routeSeconds}s is not above 60s`);
    assert.ok(routeSeconds * 1000 > (at(values, 'config.upstreamTimeoutMs') as number));
  });

  it('give pods more time to stop than MAS may take to answer', () => {
    const values = defaults();
    const grace = at(values, 'terminationGracePeriodSeconds') as number;
    assert.ok(grace * 1000 > (at(values, 'config.upstreamTimeoutMs') as number));
  });

  it('are compatible with restricted-v2: no fixed ids, non-root, no escalation, drop ALL, read-only root', () => {
    const values = defaults();
    const pod = at(values, 'podSecurityContext') as Values;
    const container = at(values, 'securityContext') as Values;
    for (const fixedId of ['runAsUser', 'runAsGroup', 'fsGroup']) {
      assert.equal(pod[fixedId], undefined, `podSecurityContext.${fixedId} is set`);
      assert.equal(container[fixedId], undefined, `securityContext.${fixedId} is set`);
    }
    assert.equal(pod.runAsNonRoot, true);
    assert.deepEqual(pod.seccompProfile, { type: 'RuntimeDefault' });
    assert.equal(container.allowPrivilegeEscalation, false);
    assert.deepEqual(container.capabilities, { drop: ['ALL'] });
    assert.equal(container.readOnlyRootFilesystem, true);
  });

  it('use edge TLS on an enabled Route and keep secrets out of values.yaml', () => {
    const values = defaults();
    assert.equal(at(values, 'route.enabled'), true);
    assert.equal(at(values, 'route.tls.termination'), 'edge');
    for (const secret of ['secret.scimToken', 'secret.masApiKey', 'secret.masToken', 'route.tls.key']) {
      assert.equal(at(values, secret), '', `${secret} has a default value`);
    }
  });
});
