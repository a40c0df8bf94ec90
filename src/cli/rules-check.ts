// `scim-proxy rules check [DIR]`: validates rule files and runs their examples, like oauth2-proxy's
// --config-test, so a rule is checked before it is rolled out in a ConfigMap.
import { loadRules, RuleLoadError, ruleDirs } from '../rules/load.ts';
import type { Command } from './command.ts';
import type { Output } from './output.ts';

export const rulesCheckCommand: Command = {
  name: 'rules check',
  summary: 'validate the built-in rules and those in DIR, and run every example',
  usage: `usage: scim-proxy rules check [DIR...]

Validates the built-in rules and the rule files (*.yaml) of each DIR (as RULES_DIR), and runs every
example they carry. Exit 0 when all hold, 1 listing every problem otherwise.`,
  positionals: [0, Number.POSITIVE_INFINITY],
  run: ({ positionals }, out) => rulesCheck(positionals, out),
};

export async function rulesCheck(args: readonly string[], out: Output): Promise<number> {
  try {
    const rules = await loadRules(ruleDirs(...args));
    for (const rule of rules)
      out.log(`ok  ${rule.id} (${rule.examples.length} example${rule.examples.length === 1 ? '' : 's'})`);
    out.log(`rules are valid: ${rules.length} rules, every example holds`);
    return 0;
  } catch (error) {
    if (!(error instanceof RuleLoadError)) throw error;
    for (const problem of error.problems) out.error(`FAIL ${problem}`);
    out.error(`rules are invalid: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`);
    return 1;
  }
}
