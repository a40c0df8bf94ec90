// The reference documentation says what the code does: every configuration variable the code reads,
// every metric it registers, every built-in rule and action, every alert and every command appears in
// its docs/ file, and nothing documented there is gone from the code. A failure names what to add to
// (or remove from) which file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { parse as parseYaml } from 'yaml';
import { cli } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config.ts';
import { createMetrics } from '../../src/observe/metrics.ts';
import { actions } from '../../src/rules/actions/index.ts';
import { BUILT_IN_RULES_DIR, loadRules } from '../../src/rules/load.ts';
import { anchors, firstColumnNames, headings, ROOT, read, section } from '../support/markdown.ts';

/** Variables Node.js itself reads, which the configuration reference documents all the same. */
const READ_BY_NODE = new Set(['NODE_EXTRA_CA_CERTS']);
const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const productSources = () => [...sourceFiles('src'), ...sourceFiles('bin')].map((file) => readFileSync(file, 'utf8'));

/** Compares what the code has with what a document lists, both ways, in one readable message. */
function assertSameNames(inCode: Iterable<string>, documented: Iterable<string>, where: string, what: string) {
  const code = new Set(inCode);
  const docs = new Set(documented);
  const undocumented = [...code].filter((name) => !docs.has(name)).sort();
  const gone = [...docs].filter((name) => !code.has(name)).sort();
  assert.deepEqual(
    { undocumented, gone },
    { undocumented: [], gone: [] },
    `${where}: document each ${what} listed under "undocumented", remove each under "gone" (no longer in the code)`,
  );
}

/** Every environment variable the code reads: what loadConfig asks of the environment, and every env.NAME in the sources. */
function variablesTheCodeReads(): Set<string> {
  const read = new Set<string>();
  const env = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, key) {
      if (typeof key === 'string') read.add(key);
      return undefined;
    },
  });
  try {
    loadConfig(env, () => '');
  } catch {
    // An empty environment may be invalid; what matters is what was asked of it.
  }
  for (const text of productSources()) {
    for (const match of text.matchAll(/\benv(?:\.|\[\s*['"])([A-Z][A-Z0-9_]*)/g)) read.add(match[1] ?? '');
  }
  return new Set([...read].filter((name) => ENV_NAME.test(name)));
}

test('every variable the code reads is in docs/configuration.md, and every one documented there is read', () => {
  const documented = firstColumnNames(read('docs/configuration.md')).filter((name) => ENV_NAME.test(name));
  assertSameNames(
    [...variablesTheCodeReads(), ...READ_BY_NODE],
    documented,
    'docs/configuration.md',
    'environment variable',
  );
});

test('every metric the proxy registers is in docs/operations.md, and every one documented there is registered', async () => {
  const registry = new Registry();
  createMetrics(registry, { version: 'test' });
  const registered = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
  const named = productSources().flatMap((text) =>
    [...text.matchAll(/['"`](scim_proxy_[a-z0-9_]+)['"`]/g)].map((m) => m[1] ?? ''),
  );
  const ours = [...registered, ...named].filter((name) => name.startsWith('scim_proxy_'));
  const documented = firstColumnNames(section(read('docs/operations.md'), 'Metrics'));
  assertSameNames(ours, documented, 'docs/operations.md, "Metrics"', 'metric');
});

test('every built-in rule is in the rules table of docs/rules.md, and every rule listed there exists', async () => {
  const rules = await loadRules([BUILT_IN_RULES_DIR]);
  const documented = firstColumnNames(section(read('docs/rules.md'), 'Built-in rules'));
  assertSameNames(
    rules.map((rule) => rule.id),
    documented,
    'docs/rules.md, "Built-in rules"',
    'rule',
  );
});

test('every action is in the actions table of docs/rules.md, and every action listed there exists', () => {
  const documented = firstColumnNames(section(read('docs/rules.md'), 'Actions'));
  assertSameNames(actions.keys(), documented, 'docs/rules.md, "Actions"', 'action');
});

interface Alert {
  alert: string;
  annotations: { runbook_url?: string };
}

const alerts = (): Alert[] =>
  (
    parseYaml(read('helm/scim-proxy/alerts/scim-proxy.rules.yaml')) as { groups: { rules: Partial<Alert>[] }[] }
  ).groups.flatMap((group) => group.rules.filter((rule): rule is Alert => typeof rule.alert === 'string'));

test('every alert has a runbook in docs/runbooks.md, and every runbook there is for an alert', () => {
  const runbooks = headings(read('docs/runbooks.md')).flatMap(({ text }) => {
    const name = /^Runbook: (\w+)$/.exec(text)?.[1];
    return name ? [name] : [];
  });
  assertSameNames(
    alerts().map((alert) => alert.alert),
    runbooks,
    'docs/runbooks.md',
    'alert ("## Runbook: <alert name>")',
  );
});

test("every alert's runbook_url opens its own runbook section in docs/runbooks.md", () => {
  const sections = anchors(read('docs/runbooks.md'));
  for (const alert of alerts()) {
    const anchor = `runbook-${alert.alert.toLowerCase()}`;
    assert.equal(
      alert.annotations.runbook_url,
      `https://github.com/scim-proxy/scim-proxy/blob/main/docs/runbooks.md#${anchor}`,
      alert.alert,
    );
    assert.ok(sections.has(anchor), `docs/runbooks.md has no heading with the anchor #${anchor}`);
  }
});

/** The subcommands the CLI's own usage lists: "rules check", "rewrite", "profiles get", ... */
async function subcommands(): Promise<string[]> {
  const lines: string[] = [];
  const out = { log: (line: string) => lines.push(line), error: (line: string) => lines.push(line) };
  await cli(['help'], out, {});
  return lines
    .join('\n')
    .split('\n')
    .flatMap((line) => {
      const match = /^ {2}(?:scim-proxy )?([a-z][\w-]*)(?: ([a-z][\w-]*))?(?=\s|$)/.exec(line);
      return match ? [[match[1], match[2]].filter(Boolean).join(' ')] : [];
    });
}

test('every subcommand the CLI lists has a section in docs/cli.md, and every section there is a subcommand', async () => {
  const listed = await subcommands();
  assert.ok(listed.length > 0, 'the usage of `scim-proxy help` lists no subcommand');
  const documented = headings(read('docs/cli.md')).flatMap(({ level, text }) => {
    const name = /^`scim-proxy ([^`]+)`$/.exec(text)?.[1];
    return level === 2 && name ? [name] : [];
  });
  assertSameNames(listed, documented, 'docs/cli.md', 'subcommand ("## `scim-proxy <subcommand>`")');
});

test('the checks above see a name that is missing from a document', () => {
  const documented = firstColumnNames('| `A_VAR` | x |\n|---|---|\n| `B_VAR` | y |');
  assert.deepEqual(documented, ['A_VAR', 'B_VAR']);
  assert.throws(
    () => assertSameNames(['A_VAR', 'C_VAR'], documented, 'doc', 'variable'),
    (error: Error) => {
      assert.match(error.message, /C_VAR/);
      assert.match(error.message, /B_VAR/);
      return true;
    },
  );
});
