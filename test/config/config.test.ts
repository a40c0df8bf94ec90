import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

const problemsOf = (env: NodeJS.ProcessEnv, files: Record<string, string> = {}): readonly string[] => {
  try {
    loadConfig(env, (f) => {
      if (f in files) return files[f] as string;
      throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    });
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
};

test('defaults are those of docs/configuration.md and the result is frozen', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.metricsPort, 9464);
  assert.equal(config.upstreamTimeoutMs, 30000);
  assert.equal(config.bodyLimitBytes, 1048576);
  assert.equal(config.masUrl, undefined);
  assert.equal(config.allowRemoveAllMembers, false);
  assert.ok(Object.isFrozen(config));
});

test('MAS credentials without SCIM_TOKEN are refused: they would be lent to any caller', () => {
  assert.match(problemsOf({ MAS_TOKEN: 'x' }).join(), /SCIM_TOKEN/);
  assert.match(problemsOf({ MAS_API_KEY_ID: 'k', MAS_API_KEY: 'v' }).join(), /SCIM_TOKEN/);
});

test('every problem is listed at once, each naming the variable', () => {
  const problems = problemsOf({ PORT: 'eighty', MAS_URL: 'ftp://x', UPSTREAM_TIMEOUT_MS: '-1', MAS_API_KEY_ID: 'k' });
  assert.equal(problems.length, 4);
  for (const name of ['PORT', 'MAS_URL', 'UPSTREAM_TIMEOUT_MS', 'MAS_API_KEY']) {
    assert.ok(
      problems.some((p) => p.includes(name)),
      name,
    );
  }
});

test('secrets can come from files, and a comma-separated SCIM_TOKEN allows rotation', () => {
  const config = loadConfig({ SCIM_TOKEN_FILE: '/s/token', MAS_TOKEN_FILE: '/s/mas' }, (f) =>
    f === '/s/token' ? 'old, new\n' : 'mas-jwt\n',
  );
  assert.deepEqual(config.scimTokens, ['old', 'new']);
  assert.equal(config.masToken, 'mas-jwt');
});

test('a secret file that cannot be read, or a secret set twice, is a problem with its fix', () => {
  assert.match(
    problemsOf({ SCIM_TOKEN_FILE: '/nope' }).join(),
    /SCIM_TOKEN_FILE: cannot read \/nope \(ENOENT\); mount the Secret/,
  );
  assert.match(problemsOf({ SCIM_TOKEN: 'a', SCIM_TOKEN_FILE: '/s' }, { '/s': 'b' }).join(), /set only one/);
});

test('a NODE_EXTRA_CA_CERTS that is missing or holds no certificate stops the start (Node would only warn)', () => {
  assert.match(
    problemsOf({ NODE_EXTRA_CA_CERTS: '/etc/scim-proxy/ca/ca.crt' }).join(),
    /NODE_EXTRA_CA_CERTS: cannot read \/etc\/scim-proxy\/ca\/ca\.crt \(ENOENT\); mount the CA bundle/,
  );
  assert.match(problemsOf({ NODE_EXTRA_CA_CERTS: '/ca' }, { '/ca': '' }).join(), /holds no PEM certificate/);
  assert.deepEqual(
    problemsOf(
      { NODE_EXTRA_CA_CERTS: '/ca' },
      { '/ca': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
    ),
    [],
  );
});

test('problems never echo a secret value', () => {
  const text = problemsOf({ MAS_TOKEN: 'super-secret-jwt', MAS_API_KEY: 'super-secret-key' }).join('\n');
  assert.ok(!text.includes('super-secret'));
});
