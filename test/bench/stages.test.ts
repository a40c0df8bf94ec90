// `npm run bench:stages` times the proxy's own stages on the benchmark's requests; the figures are
// not judged here, only that each request goes through the stages it really goes through.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureStages, renderStages } from '../../bench/stages.ts';
import { WORKLOADS } from '../../bench/workloads.ts';

test('each workload is timed through the stages its request goes through, with the rules that change it', async () => {
  const rows = await measureStages(WORKLOADS, 50);
  const row = (name: string) => rows.find((r) => r.workload === name);
  for (const { name } of WORKLOADS) {
    const micros = row(name)?.micros ?? {};
    for (const stage of ['path', 'query', 'rules', 'audit', 'metrics'] as const) {
      assert.ok((micros[stage] ?? -1) > 0, `${name}: ${stage} timed`);
    }
  }
  const removal = row('group-remove-10');
  assert.ok(removal?.applied.includes('expand-legacy-member-removal'));
  assert.ok(
    removal?.micros.guard && removal.micros.serialize && removal.micros.body,
    'a PATCH is parsed, guarded and re-serialized',
  );
  const lookup = row('user-get-username');
  assert.equal(lookup?.micros.body, undefined, 'a GET has no body');
  assert.ok(lookup?.micros.response, 'its answer goes through the response rules');
  assert.equal(row('user-post')?.micros.guard, undefined, 'only a PATCH is judged by the member guard here');
  const table = renderStages(rows);
  assert.equal(table.split('\n').length, WORKLOADS.length + 2);
});
