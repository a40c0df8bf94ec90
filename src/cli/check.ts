// One line of doctor's report: a verdict, what was checked, what was found, and the fix.
import type { Output } from './output.ts';

export type Verdict = 'PASS' | 'WARN' | 'FAIL';

export interface Check {
  verdict: Verdict;
  name: string;
  detail: string;
  fix?: string;
}

export function printChecks(checks: readonly Check[], out: Output): number {
  for (const check of checks) {
    out.log(`${check.verdict}  ${check.name}: ${check.detail}`);
    if (check.fix && check.verdict !== 'PASS') out.log(`      fix: ${check.fix}`);
  }
  const failed = checks.filter((c) => c.verdict === 'FAIL').length;
  const warned = checks.filter((c) => c.verdict === 'WARN').length;
  out.log(failed > 0 ? `doctor: ${failed} FAIL, ${warned} WARN` : `doctor: no FAIL, ${warned} WARN`);
  return failed > 0 ? 1 : 0;
}
