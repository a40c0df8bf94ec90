// `npm run bench:stages`: what each of scim-proxy's own stages costs on the benchmark's requests,
// timed in this process with the code the proxy runs (warm, one stage at a time, many iterations).
// These figures repeat to a few percent even on a shared machine, unlike CPU per request of a whole
// process; set beside that (bench/RESULTS.md), they show how much of the proxy's cost is its own
// arithmetic and how much is the machinery around it.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Registry } from 'prom-client';
import { newExchange } from '../src/exchange.ts';
import { parseJson } from '../src/http/body.ts';
import { judgePatch } from '../src/http/guard.ts';
import { auditRecord } from '../src/observe/audit.ts';
import { createMetrics } from '../src/observe/metrics.ts';
import { applyRules, defaultEngineOptions } from '../src/rules/apply.ts';
import { loadRules, ruleDirs } from '../src/rules/load.ts';
import { parseQuery } from '../src/scim/query.ts';
import { parseResourcePath } from '../src/scim/resource-path.ts';
import { userList, WORKLOADS, type Workload } from './workloads.ts';

export const STAGES = ['path', 'query', 'body', 'rules', 'guard', 'serialize', 'audit', 'metrics', 'response'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageRow {
  workload: string;
  /** µs per request for each stage the request goes through; absent where it does not. */
  micros: Partial<Record<Stage, number>>;
  /** The rules that changed the request. */
  applied: readonly string[];
}

/** µs per call of `run`, after as many warm-up calls. */
function timed(iterations: number, run: () => unknown): number {
  for (let i = 0; i < iterations; i++) run();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) run();
  return ((performance.now() - started) * 1000) / iterations;
}

export async function measureStages(workloads: readonly Workload[], iterations: number): Promise<StageRow[]> {
  const rules = await loadRules(ruleDirs());
  const metrics = createMetrics(new Registry(), { version: 'bench' });
  const answer = Buffer.from(JSON.stringify(userList()));
  return workloads.map(({ name, request }) => {
    const queryAt = request.path.indexOf('?');
    const path = queryAt < 0 ? request.path : request.path.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? '' : request.path.slice(queryAt + 1);
    const raw = Buffer.from(request.body ?? '');
    const target = parseResourcePath(path);
    if (!target) throw new Error(`${name}: ${path} is not a path the proxy serves`);
    const query = parseQuery(rawQuery);
    const body = raw.length > 0 ? parseJson(raw) : null;
    const subject = { method: request.method, resource: target.resource, id: target.id, query: query.values, body };
    const rewrite = applyRules(rules, subject, defaultEngineOptions);
    const exchange = newExchange('bench', request.method, path);
    exchange.target = target;
    exchange.original = { query: query.values, body };
    exchange.rewritten = { query: rewrite.query, body: rewrite.body };
    exchange.applied = rewrite.applied;
    exchange.decision = rewrite.outcome;
    exchange.upstreamStatus = 200;
    const micros: StageRow['micros'] = {
      path: timed(iterations, () => parseResourcePath(path)),
      query: timed(iterations, () => parseQuery(rawQuery)),
      rules: timed(iterations, () => applyRules(rules, subject, defaultEngineOptions)),
      audit: timed(iterations, () => JSON.stringify(auditRecord(exchange, 200, undefined))),
      metrics: timed(iterations, () => metrics.observer(exchange, 200)),
    };
    if (raw.length > 0) micros.body = timed(iterations, () => parseJson(raw));
    if (request.method === 'PATCH') {
      const isGroup = target.resource === 'Groups';
      micros.guard = timed(iterations, () => judgePatch(rewrite.body, isGroup, (finding) => !finding));
    }
    if (rewrite.body !== body) micros.serialize = timed(iterations, () => JSON.stringify(rewrite.body));
    if (request.method === 'GET') {
      micros.response = timed(iterations, () =>
        applyRules(
          rules,
          { ...subject, query: {}, body: JSON.parse(answer.toString('utf8')), request: exchange.original },
          defaultEngineOptions,
          'response',
        ),
      );
    }
    return { workload: name, micros, applied: rewrite.applied };
  });
}

export function renderStages(rows: readonly StageRow[]): string {
  const cell = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(1));
  const total = (row: StageRow) => Object.values(row.micros).reduce((sum, value) => sum + value, 0);
  return [
    `| workload | ${STAGES.join(' | ')} | all | rules that changed it |`,
    `| --- | ${STAGES.map(() => '---').join(' | ')} | --- | --- |`,
    ...rows.map(
      (row) =>
        `| ${row.workload} | ${STAGES.map((stage) => cell(row.micros[stage])).join(' | ')} | ${total(row).toFixed(1)} | ${row.applied.join(', ') || 'none'} |`,
    ),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20000' } } });
  const rows = await measureStages(WORKLOADS, Number(values.iterations));
  process.stdout.write(
    `µs per request for each stage, in process (${values.iterations} iterations each, after as many to warm up):\n\n${renderStages(rows)}\n`,
  );
}
