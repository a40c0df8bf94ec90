// `scim-proxy rules check [DIR]`: validates rule files and runs their examples, like oauth2-proxy's
// --config-test, so a rule is checked before it is rolled out in a ConfigMap.
import { BUILT_IN_RULES_DIR, loadRules, RuleLoadError } from '../rules/load.ts';
import type { Output } from './output.ts';

export async function rulesCheck(args: readonly string[], out: Output): Promise<number> {
  const dirs = args.length > 0 ? [BUILT_IN_RULES_DIR, ...args] : [BUILT_IN_RULES_DIR];
  try {
    const rules = await loadRules(dirs);
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
