// What an OpenShift administrator would hit, read on the manifests Helm's engine renders
// (test/support/helm-render): the helm test pod outside the proxy's selectors, the CA mounted so
// that the kubelet waits for it, image pulls that see a rebuilt image, a drain pause before SIGTERM,
// alerts that find the proxy whatever the release is called, values an SCC would refuse, the Route
// allow-list for Entra's addresses, and the smaller traps (dashboard uid, empty HPA metrics,
// monitoring resources without their CRDs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import {
  chartDir,
  type Manifest,
  manifestOf,
  type RenderOptions,
  render,
  renderManifests,
  renderUnavailable,
} from '../support/helm-render.ts';
import { manifestProblems } from '../support/manifest-schema.ts';

const skip = renderUnavailable();
const monitoring = ['monitoring.coreos.com/v1'];
const ci = (name: string) => join(chartDir, 'ci', `${name}-values.yaml`);

type Json = Record<string, unknown>;
const labelsOf = (m: Json) => ((m.metadata as Json)?.labels ?? {}) as Record<string, string>;
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

function podSpec(deployment: Json): Json & { containers: Json[]; volumes: Json[] } {
  return ((deployment.spec as Json).template as Json).spec as Json & { containers: Json[]; volumes: Json[] };
}

function env(container: Json): Record<string, string> {
  return Object.fromEntries(
    ((container.env ?? []) as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]),
  );
}

function manifests(options: RenderOptions) {
  return renderManifests({ apiVersions: monitoring, ...options });
}

describe('the chart in a cluster', { skip }, () => {
  it('passes the request deadlines and the connection cap to the proxy, as set', () => {
    const config = { headersTimeoutMs: 5000, requestTimeoutMs: 20000, maxConnections: 256 };
    const proxy = podSpec(manifestOf(manifests({ values: { config } }), 'Deployment') as Json).containers[0] as Json;
    const vars = env(proxy);
    assert.equal(vars.HEADERS_TIMEOUT_MS, '5000');
    assert.equal(vars.REQUEST_TIMEOUT_MS, '20000');
    assert.equal(vars.MAX_CONNECTIONS, '256');
  });

  it('1. keeps the helm test pod out of the Service, PDB, HPA and NetworkPolicy selectors, and lets it reach the proxy', () => {
    const all = manifests({ valueFiles: [ci('autoscaling-egress')] });
    const testPod = manifestOf(all, 'Pod');
    const proxyPod = (manifestOf(all, 'Deployment').spec as Json).template as Json as Json;
    const selectors: Array<[string, Record<string, string>]> = [
      ['Service', manifestOf(all, 'Service').spec.selector as Record<string, string>],
      [
        'Deployment (and the HPA that scales it)',
        (manifestOf(all, 'Deployment').spec.selector as Json).matchLabels as Record<string, string>,
      ],
      [
        'PodDisruptionBudget',
        (manifestOf(all, 'PodDisruptionBudget').spec.selector as Json).matchLabels as Record<string, string>,
      ],
      [
        'NetworkPolicy',
        (manifestOf(all, 'NetworkPolicy').spec.podSelector as Json).matchLabels as Record<string, string>,
      ],
    ];
    for (const [what, selector] of selectors) {
      assert.ok(matches(selector, labelsOf(proxyPod)), `${what} does not select the proxy's pods`);
      assert.ok(!matches(selector, labelsOf(testPod)), `${what} selects the helm test pod`);
    }
    const ingress = (manifestOf(all, 'NetworkPolicy').spec.ingress ?? []) as Array<{
      from?: Array<{ podSelector?: Json }>;
    }>;
    assert.ok(
      ingress.some((rule) =>
        (rule.from ?? []).some(
          (peer) =>
            peer.podSelector && matches(peer.podSelector.matchLabels as Record<string, string>, labelsOf(testPod)),
        ),
      ),
      'the proxy NetworkPolicy lets the test pod in',
    );
  });

  it('2. mounts the CA bundle as an item of its ConfigMap, so a missing key holds the pod instead of starting it without the CA', () => {
    for (const [values, key] of [
      [ci('existing-secret'), 'ca.crt'],
      [ci('reencrypt'), 'service-ca.crt'],
    ] as const) {
      const deployment = manifestOf(manifests({ valueFiles: [values] }), 'Deployment');
      const pod = podSpec(deployment);
      const volume = pod.volumes.find((v) => v.name === 'ca') as {
        configMap: { items?: Array<{ key: string; path: string }>; optional?: boolean };
      };
      assert.deepEqual(volume.configMap.items, [{ key, path: key }]);
      assert.notEqual(volume.configMap.optional, true);
      const container = pod.containers[0] as Json;
      const mount = (container.volumeMounts as Array<{ name: string; mountPath: string }>).find((m) => m.name === 'ca');
      assert.equal(env(container).NODE_EXTRA_CA_CERTS, `${mount?.mountPath}/${key}`);
    }
  });

  it('3. pulls a tag at every start (a rebuilt image is picked up) and a digest only once', () => {
    const byTag = podSpec(manifestOf(manifests({}), 'Deployment')).containers[0] as Json;
    assert.match(String(byTag.image), /:0\.1\.0$/);
    assert.equal(byTag.imagePullPolicy, 'Always');
    const digest = `sha256:${'a'.repeat(64)}`;
    const byDigest = podSpec(manifestOf(manifests({ values: { image: { digest } } }), 'Deployment'))
      .containers[0] as Json;
    assert.match(String(byDigest.image), new RegExp(`@${digest}$`));
    assert.equal(byDigest.imagePullPolicy, 'IfNotPresent');
    const chosen = podSpec(manifestOf(manifests({ values: { image: { pullPolicy: 'IfNotPresent' } } }), 'Deployment'))
      .containers[0] as Json;
    assert.equal(chosen.imagePullPolicy, 'IfNotPresent', 'an explicit pullPolicy wins');
    const testPod = manifestOf(manifests({ values: { image: { digest } } }), 'Pod').spec.containers as Json[];
    assert.equal(testPod[0]?.imagePullPolicy, 'IfNotPresent');
  });

  it('5. pauses before SIGTERM so the router stops sending first, within the grace period', () => {
    const deployment = manifestOf(manifests({}), 'Deployment');
    const pod = podSpec(deployment);
    const preStop = ((pod.containers[0] as Json).lifecycle as Json)?.preStop as
      | { exec?: { command: string[] } }
      | undefined;
    assert.ok(preStop?.exec, 'no preStop hook');
    const values = render({}).values as {
      lifecycle: { preStopSleepSeconds: number };
      config: { upstreamTimeoutMs: number };
    };
    assert.ok(values.lifecycle.preStopSleepSeconds >= 5);
    assert.match(preStop.exec.command.join(' '), new RegExp(`\\b${values.lifecycle.preStopSleepSeconds * 1000}\\b`));
    assert.ok(
      (pod.terminationGracePeriodSeconds as number) >
        values.lifecycle.preStopSleepSeconds + values.config.upstreamTimeoutMs / 1000,
      'the grace period covers the pause and the longest MAS call',
    );
    const off = podSpec(manifestOf(manifests({ values: { lifecycle: { preStopSleepSeconds: 0 } } }), 'Deployment'));
    assert.equal((off.containers[0] as Json).lifecycle, undefined);
    assert.throws(
      () => render({ values: { lifecycle: { preStopSleepSeconds: 30 }, terminationGracePeriodSeconds: 45 } }),
      /terminationGracePeriodSeconds/,
    );
  });

  it('6. gives the scrape the job the alerts and the dashboard select, whatever the release is called', () => {
    const rules = parse(readFileSync(join(chartDir, 'alerts', 'scim-proxy.rules.yaml'), 'utf8')) as {
      groups: Array<{ rules: Array<{ expr: string }> }>;
    };
    const dashboard = readFileSync(join(chartDir, 'dashboards', 'scim-proxy.json'), 'utf8');
    const selectors = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...[...dashboard.matchAll(/"expr": "((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string),
    ].flatMap((expr) => [...expr.matchAll(/\bjob(=~|=)"([^"]*)"/g)].map((m) => [m[1], m[2]] as const));
    assert.ok(selectors.length >= 3, 'the alerts and the dashboard select a job');
    for (const values of [{}, { fullnameOverride: 'entra-bridge' }, { nameOverride: 'bridge' }]) {
      const all = manifests({ values, releaseName: 'prod' });
      const monitor = manifestOf(all, 'ServiceMonitor');
      const endpoint = (monitor.spec.endpoints as Array<{ relabelings?: Array<Json> }>)[0];
      const jobRelabel = endpoint?.relabelings?.find((r) => r.targetLabel === 'job');
      // Without a relabeling the operator names the job after the Service.
      const job = jobRelabel ? String(jobRelabel.replacement) : String(manifestOf(all, 'Service').metadata.name);
      for (const [op, value] of selectors) {
        const ok = op === '=' ? job === value : new RegExp(`^(?:${value})$`).test(job);
        assert.ok(ok, `job="${job}" (values ${JSON.stringify(values)}) is not selected by job${op}"${value}"`);
      }
    }
  });

  describe('7. values an install would fail on are refused by values.schema.json', () => {
    const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    const defaults = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Json;
    const merged = (patch: Json): Json => {
      const out: Json = structuredClone(defaults);
      const walk = (target: Json, source: Json) => {
        for (const [k, v] of Object.entries(source)) {
          if (v && typeof v === 'object' && !Array.isArray(v) && target[k] && typeof target[k] === 'object')
            walk(target[k] as Json, v as Json);
          else target[k] = v;
        }
      };
      walk(out, patch);
      return out;
    };
    const refused: Array<[string, Json]> = [
      ['root user in the pod', { podSecurityContext: { runAsUser: 0 } }],
      ['root user in the container', { securityContext: { runAsUser: 0 } }],
      ['a privileged container', { securityContext: { privileged: true } }],
      ['a cap of no connections at all', { config: { maxConnections: 0 } }],
      ['privilege escalation', { securityContext: { allowPrivilegeEscalation: true } }],
      ['an added capability restricted-v2 refuses', { securityContext: { capabilities: { add: ['NET_ADMIN'] } } }],
      ['a route host with a scheme', { route: { host: 'https://scim.apps.example.com' } }],
      ['a route host with a path', { route: { host: 'scim.apps.example.com/scim' } }],
      ['an allow-list entry that is not a CIDR', { route: { allowedSourceRanges: ['AzureActiveDirectory'] } }],
    ];
    for (const [what, patch] of refused) {
      it(`refuses ${what}`, () => assert.equal(validate(merged(patch)), false, JSON.stringify(patch)));
    }
    it('accepts an HPA CPU target above 100 (utilization is relative to the request)', () => {
      assert.ok(
        validate(merged({ autoscaling: { targetCPUUtilizationPercentage: 150 } })),
        JSON.stringify(validate.errors),
      );
    });
    it('stops an install whose MAS queue wait and MAS timeout add up past Entra’s 60 s', { skip }, () => {
      assert.throws(
        () => render({ values: { config: { upstreamTimeoutMs: 35000, masQueueTimeoutMs: 30000 } } }),
        /masQueueTimeoutMs \+ config\.upstreamTimeoutMs/,
      );
      assert.doesNotThrow(() => render({ values: { config: { upstreamTimeoutMs: 35000, masQueueTimeoutMs: 20000 } } }));
    });
  });

  it('8. restricts the Route to the allow-listed source ranges with the router’s annotation', () => {
    const ranges = ['20.36.144.0/22', '40.126.0.0/18'];
    const route = manifestOf(manifests({ values: { route: { allowedSourceRanges: ranges } } }), 'Route');
    const annotations = route.metadata.annotations as Record<string, string>;
    assert.equal(annotations['haproxy.router.openshift.io/ip_allowlist'], ranges.join(' '));
    assert.equal(annotations['haproxy.router.openshift.io/ip_whitelist'], ranges.join(' '));
    const open = manifestOf(manifests({}), 'Route').metadata.annotations as Record<string, string>;
    assert.equal(open['haproxy.router.openshift.io/ip_allowlist'], undefined);
  });

  it('9a. gives each release its own dashboard uid and title in a shared Grafana', () => {
    const dashboardOf = (releaseName: string, namespace: string) => {
      const cm = manifestOf(
        renderManifests({ valueFiles: [ci('grafana-operator')], releaseName, namespace }),
        'ConfigMap',
        '-dashboard',
      );
      return JSON.parse((cm.data as Record<string, string>)['scim-proxy.json'] as string) as {
        uid: string;
        title: string;
      };
    };
    const a = dashboardOf('scim', 'mas-a');
    const b = dashboardOf('scim', 'mas-b');
    assert.notEqual(a.uid, b.uid);
    assert.notEqual(a.title, b.title);
    for (const d of [a, b]) assert.ok(d.uid.length <= 40 && /^[A-Za-z0-9_-]+$/.test(d.uid), d.uid);
    assert.deepEqual(dashboardOf('scim', 'mas-a'), a, 'stable across upgrades');
  });

  it('9b. stops an autoscaler with no target instead of rendering metrics: null', () => {
    assert.throws(
      () =>
        render({
          values: {
            autoscaling: { enabled: true, targetCPUUtilizationPercentage: 0, targetMemoryUtilizationPercentage: 0 },
          },
        }),
      /autoscaling/,
    );
    const hpa = manifestOf(manifests({ valueFiles: [ci('autoscaling-egress')] }), 'HorizontalPodAutoscaler');
    assert.ok(Array.isArray(hpa.spec.metrics) && hpa.spec.metrics.length === 2);
  });

  it('9e. renders the ServiceMonitor and PrometheusRule only where their CRDs are served, and says so in the notes', () => {
    const kinds = (options: RenderOptions) => renderManifests(options).map((m) => m.manifest.kind);
    assert.ok(!kinds({}).includes('ServiceMonitor'));
    assert.ok(!kinds({}).includes('PrometheusRule'));
    assert.ok(kinds({ apiVersions: monitoring }).includes('ServiceMonitor'));
    assert.ok(kinds({ apiVersions: monitoring }).includes('PrometheusRule'));
    assert.match(render({}).notes, /monitoring\.coreos\.com\/v1/);
    assert.doesNotMatch(render({ apiVersions: monitoring }).notes, /not served/);
  });

  it('rolls no pod for a Secret change: credentials rotate in place', () => {
    const deployment = manifestOf(manifests({ valueFiles: [ci('minimal')] }), 'Deployment');
    const annotations = (((deployment.spec as Json).template as Json).metadata as Json).annotations as Json;
    assert.equal(annotations['checksum/secret'], undefined);
  });

  it('renders every variant above into manifests the API server accepts', () => {
    const variants: RenderOptions[] = [
      { values: { route: { allowedSourceRanges: ['20.36.144.0/22'] }, lifecycle: { preStopSleepSeconds: 0 } } },
      { valueFiles: [ci('grafana-operator')], values: { fullnameOverride: 'entra-bridge' } },
    ];
    for (const options of variants) {
      assert.deepEqual(
        manifests(options).flatMap(({ manifest }: { manifest: Manifest }) => manifestProblems(manifest)),
        [],
      );
    }
  });
});
