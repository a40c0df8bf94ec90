// Validates rendered manifests as the API server would take them: Kubernetes' own types (the
// kubernetes-models validators, generated from the Kubernetes OpenAPI), the prometheus-operator and
// grafana-operator CRD schemas (their @kubernetes-models packages) and OpenShift's Route
// (test/fixtures/schemas), with unknown fields rejected like `kubectl apply --validate=strict`.
//
// The generated validators accept unknown fields, so each object is validated through a proxy that
// records which properties the validator reads: a validator reads every property its schema
// declares (present or not), so a key it never read is unknown to the schema. An object whose
// properties the validator never reads is free-form there (annotations are read key by key, an
// x-kubernetes-preserve-unknown-fields object not at all) and is left alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GrafanaDashboard } from '@kubernetes-models/grafana-operator/grafana.integreatly.org/v1beta1/GrafanaDashboard';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';

interface SchemaError {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}
/** Errors of one document; empty when valid. */
type Validate = (data: unknown) => SchemaError[];

/** A model's generated validator, run on any object (validate() throws a ValidationError with the errors). */
function ofModel(model: { prototype: { validate(): void } }): Validate {
  return (data) => {
    try {
      model.prototype.validate.call(data);
      return [];
    } catch (error) {
      const errors = (error as { errors?: SchemaError[] }).errors;
      if (!errors) throw error;
      return errors;
    }
  };
}

const routeSchema = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'schemas', 'route.openshift.io-v1-route.json'), 'utf8'),
);
const routeSpec = new Ajv({ allErrors: true, strict: false }).compile(routeSchema);
// Any Kubernetes kind's validator reads metadata as an ObjectMeta; the ServiceAccount's is the smallest.
const objectMeta = ofModel(ServiceAccount);

/** A Route: the spec schema, and metadata as every Kubernetes object's ObjectMeta. */
const route: Validate = (data) => {
  const doc = data as { metadata?: unknown };
  routeSpec(data);
  const metadataErrors = objectMeta({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: doc.metadata });
  return [...((routeSpec.errors as SchemaError[] | null) ?? []), ...metadataErrors];
};

const validators: Record<string, Validate> = {
  'v1/ConfigMap': ofModel(ConfigMap),
  'v1/Pod': ofModel(Pod),
  'v1/Secret': ofModel(Secret),
  'v1/Service': ofModel(Service),
  'v1/ServiceAccount': ofModel(ServiceAccount),
  'apps/v1/Deployment': ofModel(Deployment),
  'autoscaling/v2/HorizontalPodAutoscaler': ofModel(HorizontalPodAutoscaler),
  'networking.k8s.io/v1/Ingress': ofModel(Ingress),
  'networking.k8s.io/v1/NetworkPolicy': ofModel(NetworkPolicy),
  'policy/v1/PodDisruptionBudget': ofModel(PodDisruptionBudget),
  'monitoring.coreos.com/v1/ServiceMonitor': ofModel(ServiceMonitor),
  'monitoring.coreos.com/v1/PrometheusRule': ofModel(PrometheusRule),
  'grafana.integreatly.org/v1beta1/GrafanaDashboard': ofModel(GrafanaDashboard),
  'route.openshift.io/v1/Route': route,
};

type Reads = Map<object, Set<string>>;

function tracked(value: unknown, reads: Reads, proxies: WeakMap<object, object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const known = proxies.get(value);
  if (known) return known;
  const seen = new Set<string>();
  reads.set(value, seen);
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === 'string') seen.add(key);
      return tracked(Reflect.get(target, key, receiver), reads, proxies);
    },
  });
  proxies.set(value, proxy);
  return proxy;
}

function unknownFields(value: unknown, reads: Reads, path: string): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => unknownFields(item, reads, `${path}/${i}`));
  const seen = reads.get(value);
  const entries = Object.entries(value);
  const unknown =
    seen && seen.size > 0
      ? entries.filter(([key]) => !seen.has(key)).map(([key]) => `${path}/${key}: unknown field`)
      : [];
  return [...unknown, ...entries.flatMap(([key, child]) => unknownFields(child, reads, `${path}/${key}`))];
}

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** What the API server checks on names and labels that the OpenAPI schemas leave out. */
function nameAndLabelProblems(doc: Record<string, unknown>): string[] {
  const metadata = (doc.metadata ?? {}) as { name?: unknown; labels?: Record<string, unknown> };
  const problems: string[] = [];
  const name = String(metadata.name ?? '');
  const serviceLike = doc.kind === 'Service';
  if (
    serviceLike ? !(dns1035Label.test(name) && name.length <= 63) : !(dns1123Subdomain.test(name) && name.length <= 253)
  ) {
    problems.push(`/metadata/name: "${name}" is not a valid ${serviceLike ? 'DNS-1035 label' : 'DNS-1123 subdomain'}`);
  }
  for (const [key, value] of Object.entries(metadata.labels ?? {})) {
    if (typeof value !== 'string' || value.length > 63 || !labelValue.test(value)) {
      problems.push(`/metadata/labels/${key}: "${String(value)}" is not a valid label value`);
    }
  }
  return problems;
}

/** Problems the API server (with strict field validation) would report for one manifest; empty when it accepts it. */
export function manifestProblems(doc: Record<string, unknown>): string[] {
  const key = `${String(doc.apiVersion)}/${String(doc.kind)}`;
  const validate = validators[key];
  if (!validate) return [`no schema for ${key}: add its validator to test/support/manifest-schema.ts`];
  const reads: Reads = new Map();
  const schemaErrors = validate(tracked(doc, reads, new WeakMap())).map(
    (e) => `${e.instancePath || '/'}: ${e.keyword} ${JSON.stringify(e.params)}`,
  );
  return [...schemaErrors, ...unknownFields(doc, reads, ''), ...nameAndLabelProblems(doc)];
}
