// Reads rule files, validates them completely and compiles them. Every problem in every file is
// reported at once, each naming the file, the field and the fix, so a broken ConfigMap is found
// before a single request is rewritten with it.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { JSONPath } from 'jsonpath-plus';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ProblemList } from '../problem-list.ts';
import { actions } from './actions/index.ts';
import { checkExample } from './example.ts';
import type { Rule } from './rule.ts';
import { type RuleFile, ruleFileSchema } from './schema.ts';

export const BUILT_IN_RULES_DIR = path.resolve(import.meta.dirname, '../../rules');

/** The built-in rules, then the user's (RULES_DIR, a ConfigMap on OpenShift). */
export const ruleDirs = (...extra: (string | undefined)[]): string[] => [
  BUILT_IN_RULES_DIR,
  ...extra.filter((dir): dir is string => Boolean(dir)),
];

export class RuleLoadError extends ProblemList {
  override name = 'RuleLoadError';
  constructor(problems: readonly string[]) {
    super('invalid rules', problems);
  }
}

/** What counts as a rule file in a rule directory. */
export const RULE_FILE = /\.ya?ml$/i;

/** Loads the rule files of each directory in turn (files in name order); throws RuleLoadError listing every problem. */
export async function loadRules(dirs: readonly string[]): Promise<Rule[]> {
  const problems: string[] = [];
  const rules: Rule[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => RULE_FILE.test(n)).sort();
    } catch (error) {
      problems.push(`${dir}: cannot read the rules directory (${(error as Error).message}); check RULES_DIR`);
      continue;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      const result = compileRule(file, await readFile(file, 'utf8'));
      if ('problems' in result) problems.push(...result.problems);
      else rules.push(result.rule);
    }
  }
  const seen = new Map<string, string>();
  for (const rule of rules) {
    const other = seen.get(rule.id);
    if (other) problems.push(`${rule.file}: id: "${rule.id}" is already used by ${other}; give each rule its own id`);
    seen.set(rule.id, rule.file);
  }
  if (problems.length > 0) throw new RuleLoadError(problems);
  return rules;
}

/** Parses and compiles one rule file's text. */
export function compileRule(file: string, text: string): { rule: Rule } | { problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { problems: [`${file}: not valid YAML (${(error as Error).message.split('\n')[0]}); fix the syntax`] };
  }
  const parsed = ruleFileSchema.safeParse(raw);
  if (!parsed.success) return { problems: describeIssues(file, parsed.error.issues) };
  return build(file, parsed.data);
}

function build(file: string, data: RuleFile): { rule: Rule } | { problems: string[] } {
  const action = actions.get(data.action);
  if (!action) {
    const known = [...actions.keys()].join(', ');
    return { problems: [`${file}: action: unknown action "${data.action}"; use one of: ${known}`] };
  }
  const params = action.params.safeParse(data.params);
  if (!params.success) return { problems: describeIssues(file, params.error.issues, 'params') };
  const rule: Rule = {
    id: data.id,
    summary: data.summary,
    file,
    direction: data.direction,
    methods: new Set(data.methods),
    resources: data.resources ? new Set(data.resources) : undefined,
    select: data.select,
    action,
    params: params.data,
    examples: data.examples,
  };
  const problems: string[] = [];
  try {
    // Evaluating the path over every example body surfaces syntax errors in filter expressions now.
    for (const example of data.examples) {
      JSONPath({ path: data.select, json: { query: example.before.query, body: example.before.body }, eval: 'safe' });
    }
  } catch (error) {
    return { problems: [`${file}: select: ${(error as Error).message}; check the JSONPath syntax`] };
  }
  data.examples.forEach((example, i) => {
    const failure = checkExample(rule, example);
    if (failure) problems.push(`${file}: examples[${i}] "${example.name}": ${failure}`);
  });
  return problems.length > 0 ? { problems } : { rule };
}

function describeIssues(file: string, issues: readonly z.core.$ZodIssue[], prefix?: string): string[] {
  return issues.map((issue) => {
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(file)';
    return `${file}: ${field}: ${issue.message}`;
  });
}
