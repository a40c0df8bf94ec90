// The example profile the README gives (examples/mas-profile.yaml) is one MAS accepts and that
// keeps Maximo group names: applied with `profiles apply` to the MAS simulator, as the README says,
// and then passed by doctor's profile check.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { cli } from '../../src/cli/main.ts';
import { startSimulator } from '../../src/simulator/index.ts';
import { ROOT, read } from '../support/markdown.ts';

const EXAMPLE = path.join(ROOT, 'examples/mas-profile.yaml');
const KEY_ID = 'a-inst1-exampletest';
const KEY = 'example-profile-key-token';

test('the example profile applies to MAS as the README shows, and doctor then passes its profile check', async (t) => {
  const sim = await startSimulator({ apiKeys: { [KEY_ID]: KEY } });
  t.after(() => sim.close());
  const env = { MAS_URL: sim.url, SCIM_TOKEN: 'entra-token', MAS_API_KEY_ID: KEY_ID, MAS_API_KEY: KEY };
  const lines: string[] = [];
  const out = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
  // --yes: what the administrator confirms when asked at the terminal.
  assert.equal(await cli(['profiles', 'apply', EXAMPLE, '--yes'], out, env), 0, lines.join('\n'));

  const { id } = parseYaml(read('examples/mas-profile.yaml')) as { id: string };
  const held = sim.profile(id) as { runtimeConfigs?: { useGroupDisplayNameAsGroupId?: boolean } } | undefined;
  assert.equal(held?.runtimeConfigs?.useGroupDisplayNameAsGroupId, true);

  lines.length = 0;
  await cli(['doctor', '--profile', id], out, env);
  assert.match(lines.join('\n'), new RegExp(`PASS {2}profile ${id}: `));
});
