// How the engine's cost grows with the size of a legacy member removal: the built-in rules applied
// in this process to removals of 10, 1,000 and 10,000 members, several times each, median kept.
import { applyRules } from '../src/rules/apply.ts';
import { loadRules, ruleDirs } from '../src/rules/load.ts';
import { median } from './percentile.ts';
import { legacyRemoval } from './workloads.ts';

export interface CostRow {
  members: number;
  /** applyRules alone, on a parsed body. */
  engineMs: number;
  /** What the proxy does with the body: JSON.parse, applyRules, JSON.stringify. */
  totalMs: number;
  /** Operations in the rewritten body: one filtered remove per member. */
  operations: number;
}

export async function measureCost(sizes: readonly number[], iterations: number): Promise<CostRow[]> {
  const rules = await loadRules(ruleDirs());
  const rows: CostRow[] = [];
  for (const members of sizes) {
    const raw = Buffer.from(JSON.stringify(legacyRemoval(members)));
    const engine: number[] = [];
    const total: number[] = [];
    let operations = 0;
    // As many unmeasured rounds first as measured ones: with a third as many, the 10,000-member
    // figure still held V8 compiling the rules for arrays that large (16-18 ms against 11-14 ms
    // settled, three runs of each here).
    const warmup = iterations;
    for (let i = 0; i < warmup + iterations; i++) {
      const started = performance.now();
      const body: unknown = JSON.parse(raw.toString('utf8'));
      const parsed = performance.now();
      const rewrite = applyRules(rules, {
        method: 'PATCH',
        resource: 'Groups',
        id: 'g1',
        query: {},
        body,
      });
      const applied = performance.now();
      Buffer.from(JSON.stringify(rewrite.body));
      const done = performance.now();
      if (i < warmup) continue;
      engine.push(applied - parsed);
      total.push(done - started);
      operations = (rewrite.body as { Operations: unknown[] }).Operations.length;
    }
    rows.push({ members, engineMs: median(engine), totalMs: median(total), operations });
  }
  return rows;
}
