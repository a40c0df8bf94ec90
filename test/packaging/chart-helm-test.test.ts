// helm test tests what matters: rendered by Helm's engine, the test pod runs `scim-proxy doctor` with
// the same MAS variables, Secret, CA and profile as the proxy's own pods.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderManifests, renderUnavailable } from '../support/helm-render.ts';

interface Container {
  name: string;
  command?: string[];
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string; mountPath: string }[];
}

test('the helm test pod runs scim-proxy doctor with the release configuration the Deployment has', (t) => {
  const unavailable = renderUnavailable();
  if (unavailable) return t.skip(unavailable);
  const manifests = renderManifests({
    values: {
      mas: {
        url: 'https://coreapi.mas-inst1-core.svc',
        apiKeyId: 'a-inst1-key',
        profileId: 'MasProfile1',
        ca: { configMapName: 'mas-ca' },
      },
      secret: { existingSecret: 'scim-proxy-credentials' },
      groupMap: { entries: { 'Maximo Supervisors': 'AP_MAXIMO_SUPERVISORS' } },
    },
  });
  const pod = manifests.find((m) => m.template.includes('tests/'))?.manifest as unknown as {
    spec: { containers: Container[]; volumes: unknown[] };
  };
  const deployment = manifests.find((m) => m.template.endsWith('deployment.yaml'))?.manifest as unknown as {
    spec: { template: { spec: { containers: Container[] } } };
  };
  const doctor = pod.spec.containers.find((c) => c.name === 'doctor');
  assert.deepEqual(doctor?.command, ['scim-proxy', 'doctor']);
  const proxy = deployment.spec.template.spec.containers[0] as Container;
  const envOf = (c: Container | undefined) => new Map((c?.env ?? []).map((e) => [e.name, e.value]));
  for (const name of [
    'MAS_URL',
    'MAS_PROFILES',
    'MAS_API_KEY_ID',
    'MAS_API_KEY_FILE',
    'SCIM_TOKEN_FILE',
    'NODE_EXTRA_CA_CERTS',
    'GROUP_MAP_FILE',
  ])
    assert.equal(envOf(doctor).get(name), envOf(proxy).get(name), name);
  assert.equal(envOf(doctor).get('MAS_PROFILES'), 'MasProfile1');
  const mounts = (c: Container | undefined) => (c?.volumeMounts ?? []).map((m) => `${m.name}:${m.mountPath}`);
  for (const mount of mounts(doctor)) assert.ok(mounts(proxy).includes(mount), mount);
  assert.deepEqual(
    mounts(doctor)
      .map((m) => m.split(':')[0])
      .sort(),
    ['ca', 'credentials', 'groups'],
  );
  assert.ok(
    pod.spec.containers.some((c) => c.name === 'readyz'),
    'the /readyz check stays',
  );
});
