// `scim-proxy rewrite [FILE|-]`: shows what MAS would receive for one request, and why. Accepts a
// request in the corpus format ({method, path, query, headers, body}) or a whole corpus case
// ({request: {...}, expect: ...}), so a recorded case can be checked as it is: for a case, the report
// says whether the rules still produce what its `expect` says (`matchesExpect`).
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { loadConfig } from '../config.ts';
import { applyRules } from '../rules/apply.ts';
import { loadRules, ruleDirs } from '../rules/load.ts';
import { jsonEqual } from '../scim/json.ts';
import { isPlainObject, type PlainObject } from '../scim/patch.ts';
import { parseResourcePath } from '../scim/resource-path.ts';
import { engineOptionsFor } from '../service.ts';
import type { Command } from './command.ts';
import type { Output } from './output.ts';

export const rewriteCommand: Command = {
  name: 'rewrite',
  summary: 'print the request MAS would receive for one Entra request (corpus format)',
  usage: `usage: scim-proxy rewrite [FILE|-]

Prints, as JSON, what MAS would receive for one Entra request and which rules changed it, or why the
proxy would refuse it. FILE holds {"method", "path", "query"?, "body"?} or a corpus case
{"request": {...}, "expect": {...}} (then matchesExpect says whether the rules still do what it says).
Without FILE, or with -, the request is read from standard input. Uses RULES_DIR and GROUP_MAP_FILE.`,
  positionals: [0, 1],
  run: ({ positionals }, out, env) => rewrite(positionals, out, env),
};

export async function rewrite(args: readonly string[], out: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const file = args[0] ?? '-';
  let input: unknown;
  try {
    input = JSON.parse(file === '-' ? await text(process.stdin) : await readFile(file, 'utf8'));
  } catch (error) {
    out.error(`rewrite: cannot read ${file === '-' ? 'standard input' : file} as JSON (${(error as Error).message})`);
    return 2;
  }
  const request = isPlainObject(input) && isPlainObject(input.request) ? input.request : input;
  if (!isPlainObject(request) || typeof request.method !== 'string' || typeof request.path !== 'string') {
    out.error('rewrite: expected {"method", "path", "query"?, "body"?} or a corpus case {"request": {...}}');
    return 2;
  }
  const target = parseResourcePath(request.path);
  if (!target) {
    out.log(
      JSON.stringify({ outcome: 'refused', status: 404, reason: `${request.path} is not under /scim/v2/` }, null, 2),
    );
    return 0;
  }
  const config = loadConfig(env);
  const rules = await loadRules(ruleDirs(config.rulesDir));
  const method = request.method.toUpperCase();
  const query = (isPlainObject(request.query) ? request.query : {}) as Record<string, string>;
  const result = applyRules(
    rules,
    { method, resource: target.resource, id: target.id, query, body: request.body ?? null },
    await engineOptionsFor(config),
  );
  const { outcome } = result;
  const report =
    outcome.kind === 'forward'
      ? {
          outcome: 'forwarded',
          rules: result.applied,
          upstream: { method, path: target.path, query: result.query, body: result.body },
        }
      : {
          outcome: outcome.kind === 'answer' ? 'answered' : 'refused',
          rules: result.applied,
          status: outcome.status,
          reason: outcome.reason,
        };
  const expected = isPlainObject(input) && isPlainObject(input.expect) ? input.expect : undefined;
  out.log(JSON.stringify(expected ? { ...report, matchesExpect: matches(report, expected) } : report, null, 2));
  return 0;
}

/** Whether today's rules still do what a corpus case (or a recording) says they did. */
function matches(report: { outcome: string; status?: number; upstream?: PlainObject }, expected: PlainObject): boolean {
  if (isPlainObject(expected.upstream)) {
    const { upstream } = report;
    return (
      report.outcome === 'forwarded' &&
      jsonEqual(upstream?.body ?? null, expected.upstream.body ?? null) &&
      (expected.query_unscored === true || jsonEqual(upstream?.query, expected.upstream.query ?? {}))
    );
  }
  if (typeof expected.local_status === 'number')
    return report.outcome === 'answered' && report.status === expected.local_status;
  if (expected.blocked === true) return report.outcome === 'refused';
  return true;
}
