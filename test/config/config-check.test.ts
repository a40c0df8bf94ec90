// The whole configuration is checked in one pass, at start and by `scim-proxy config check`: every
// problem with the value seen and its fix, never a stack trace.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { checkConfiguration } from '../../src/config-check.ts';
import { STACK_TRACE, scimProxy, server } from '../support/process.ts';

async function tempDir(t: test.TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'config-check-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const problemsOf = async (env: NodeJS.ProcessEnv): Promise<readonly string[]> => {
  try {
    await checkConfiguration(env);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
};

test('config check lists every problem of the environment, the files, the rules and the ports in one run, with no stack trace', async (t) => {
  const dir = await tempDir(t);
  const rules = path.join(dir, 'rules');
  await writeFile(path.join(dir, 'groups.yaml'), 'Supervisors: [unclosed\n');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(rules);
  await writeFile(path.join(rules, 'bad.yaml'), 'id: Bad_Id\n');
  const run = await scimProxy(['config', 'check'], {
    PORT: 'eighty',
    METRICS_PORT: '9000',
    TLS_PORT: '9000',
    TLS_CERT_FILE: path.join(dir, 'missing.crt'),
    TLS_KEY_FILE: path.join(dir, 'missing.key'),
    UPSTREAM_TIMEOUT_MS: '70000',
    MAS_URL: 'https://api.inst1.example.com/scim/v2/MasProfile1',
    GROUP_MAP_FILE: path.join(dir, 'groups.yaml'),
    RULES_DIR: rules,
    LOG_LEVEL: 'verbose',
  });
  assert.equal(run.code, 1);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
  const text = run.stderr;
  assert.match(
    text,
    /PORT="eighty" is not a whole number; set a whole number from 0 to 65535, or leave it unset for 8080/,
  );
  assert.match(text, /UPSTREAM_TIMEOUT_MS="70000" is out of range \(Entra gives up on a request after 60 s\)/);
  assert.match(
    text,
    /MAS_URL="https:\/\/api\.inst1\.example\.com\/scim\/v2\/MasProfile1" has a path.*write only https:\/\/api\.inst1\.example\.com; the profile id "MasProfile1" belongs in Entra's Tenant URL/,
  );
  assert.match(text, /LOG_LEVEL="verbose" is not one of error, warn, info, debug/);
  assert.match(text, /TLS_PORT=9000 is also METRICS_PORT's port/);
  assert.match(text, /TLS_CERT_FILE=".*missing\.crt" cannot be read \(ENOENT\)/);
  assert.match(text, /GROUP_MAP_FILE .*groups\.yaml: .*it must be a YAML or JSON map/);
  assert.match(text, /RULES_DIR: .*bad\.yaml: /);
  assert.match(text, /configuration is invalid: \d+ problems; the proxy would not start/);
});

test('config check passes a sound configuration and says what it found, without starting anything', async () => {
  const run = await scimProxy(['config', 'check'], {
    MAS_URL: 'https://api.inst1.example.com/',
    SCIM_TOKEN: 'entra',
    MAS_TOKEN: 'jwt',
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /configuration is valid: MAS https:\/\/api\.inst1\.example\.com; \d+ rules; no group table/);
});

test('the server refuses to start on the same problems, listed once, with no stack trace', async () => {
  const run = await server({ PORT: '9464', GROUP_MAP_FILE: '/nonexistent/groups.yaml', UPSTREAM_TIMEOUT_MS: 'slow' });
  assert.equal(run.code, 1);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
  assert.match(run.stderr, /METRICS_PORT=9464 is also PORT's port; give each listener its own port/);
  assert.match(run.stderr, /GROUP_MAP_FILE \/nonexistent\/groups\.yaml: ENOENT/);
  assert.match(run.stderr, /UPSTREAM_TIMEOUT_MS="slow" is not a whole number/);
  assert.match(run.stderr, /scim-proxy config check/);
});

test('the server --config-test runs the same check and exits without serving', async () => {
  const good = await server({ PORT: '0', METRICS_PORT: '0' }, ['--config-test']);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /configuration is valid/);
  const bad = await server({ PORT: 'x' }, ['--config-test']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /PORT="x" is not a whole number/);
});

test('a port already taken is one line naming the variable, not a stack trace', async (t) => {
  const { createServer } = await import('node:net');
  const taken = createServer().listen(0, '0.0.0.0');
  await new Promise((resolve) => taken.once('listening', resolve));
  t.after(() => taken.close());
  const port = String((taken.address() as { port: number }).port);
  const run = await server({ PORT: port, METRICS_PORT: '0' });
  assert.equal(run.code, 1);
  assert.doesNotMatch(run.stderr, STACK_TRACE);
  assert.match(run.stderr, new RegExp(`cannot listen on PORT \\(${port}\\): another process uses that port`));
});

test('waiting for a MAS slot and then for MAS must end before Entra gives up at 60 s', () => {
  assert.throws(
    () => loadConfig({ UPSTREAM_TIMEOUT_MS: '50000', MAS_QUEUE_TIMEOUT_MS: '20000' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /MAS_QUEUE_TIMEOUT_MS=20000 plus UPSTREAM_TIMEOUT_MS=50000 is 70000 ms, past Entra's 60 s/.test(error.message),
  );
  assert.equal(loadConfig({ UPSTREAM_TIMEOUT_MS: '40000', MAS_QUEUE_TIMEOUT_MS: '15000' }).upstreamTimeoutMs, 40000);
});

test('MAS_URL with credentials in it is refused without echoing them', async () => {
  const problems = await problemsOf({ MAS_URL: 'https://admin:hunter2@api.example.com' });
  assert.match(problems.join(), /MAS_URL carries a user name or password/);
  assert.ok(!problems.join().includes('hunter2'));
});
