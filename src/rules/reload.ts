// The live rule set: the built-in rules plus RULES_DIR, reloaded when RULES_DIR changes. OpenShift
// updates a ConfigMap volume by swapping a `..data` symlink, which fs.watch misses, so the directory
// is polled: a hash of every rule file's name and content, read through symlinks. A changed set goes
// live only whole and only if every file loads and every example holds; otherwise the rules in use
// stay, the failure is counted and logged with each file, field and fix.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'winston';
import type { Metrics } from '../observe/metrics.ts';
import { startSerialPoll } from '../serial-poll.ts';
import { loadRules, RULE_FILE, RuleLoadError, ruleDirs } from './load.ts';
import type { Rule } from './rule.ts';

export interface RuleSet {
  /** The rules in use; a whole set, replaced in one assignment. */
  current(): readonly Rule[];
  /**
   * Compares RULES_DIR with the set in use and reloads it if it changed; `changing` when the files
   * changed while being read (nothing swapped, the next check reads them again).
   */
  check(): Promise<'unchanged' | 'reloaded' | 'rejected' | 'changing'>;
  /** Stops polling (drain). */
  stop(): void;
}

export interface RuleSetOptions {
  /** RULES_DIR; without it only the built-in rules, never reloaded. */
  dir: string | undefined;
  /** RULES_RELOAD_INTERVAL_MS; 0 loads once. */
  intervalMs: number;
  logger: Logger;
  metrics?: Pick<Metrics, 'rulesReload' | 'knowRules'> | undefined;
}

/** Loads the rules (throwing RuleLoadError at start, as before any request) and starts polling RULES_DIR. */
export async function startRuleSet({ dir, intervalMs, logger, metrics }: RuleSetOptions): Promise<RuleSet> {
  // Fingerprinted before loading: if a file changes in between, the next poll sees a difference and
  // loads again, so the set in use is never older than the last fingerprint.
  let seen = dir ? await fingerprint(dir) : '';
  let rules: readonly Rule[] = await loadRules(ruleDirs(dir));
  metrics?.knowRules(rules.map((rule) => rule.id));
  const compareAndLoad = async (): Promise<'unchanged' | 'reloaded' | 'rejected' | 'changing'> => {
    if (!dir) return 'unchanged';
    const before = await fingerprint(dir);
    if (before === seen) return 'unchanged';
    let next: Rule[] | RuleLoadError;
    try {
      next = await loadRules(ruleDirs(dir));
    } catch (error) {
      if (!(error instanceof RuleLoadError)) throw error;
      next = error;
    }
    // Files are read one by one: a set read while they changed (a copy in progress, a swap between
    // two reads) may mix old and new files. It never goes live; the next poll reads it again.
    if ((await fingerprint(dir)) !== before) return 'changing';
    // Remembered whatever the outcome: a file caught half-written fails once and is retried when it
    // changes again (the writer finishing), not counted and logged again at every poll.
    seen = before;
    if (next instanceof RuleLoadError) {
      metrics?.rulesReload('failure');
      logger.error('rules not reloaded: a rule file in RULES_DIR is invalid, the previous rules stay in use', {
        dir,
        problems: next.problems,
        fix: `correct each file and field named in problems, check them with \`scim-proxy rules check ${dir}\`, then update the files (the ConfigMap)`,
      });
      return 'rejected';
    }
    const changes = compare(rules, next);
    rules = next;
    metrics?.rulesReload('success');
    metrics?.knowRules(next.map((rule) => rule.id));
    logger.info('rules reloaded', { dir, rules: next.length, ...changes });
    return 'reloaded';
  };
  const polling = startSerialPoll(compareAndLoad, dir ? intervalMs : 0, (error) =>
    logger.error('rules reload check failed', { dir, error: (error as Error).message }),
  );
  return { current: () => rules, check: polling.check, stop: polling.stop };
}

/**
 * A hash of the rule files' names and contents. Content rather than mtimes: a ConfigMap swap can
 * keep sizes and land within one mtime tick. An unreadable directory fingerprints as its error, so
 * it is reported once (the load fails the same way) and retried when it changes.
 */
async function fingerprint(dir: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    const names = (await readdir(dir)).filter((name) => RULE_FILE.test(name)).sort();
    for (const name of names) {
      hash.update(`${name}\0`);
      hash.update(await readFile(path.join(dir, name)));
      hash.update('\0');
    }
  } catch (error) {
    return `unreadable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  return hash.digest('hex');
}

/** Which rule ids appeared, disappeared or changed, for the reload's log line. */
function compare(before: readonly Rule[], after: readonly Rule[]) {
  const old = new Map(before.map((rule) => [rule.id, signature(rule)]));
  const now = new Map(after.map((rule) => [rule.id, signature(rule)]));
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed: [...now].filter(([id, sig]) => old.has(id) && old.get(id) !== sig).map(([id]) => id),
  };
}

const signature = (rule: Rule): string =>
  JSON.stringify([
    rule.file,
    rule.summary,
    rule.direction,
    [...rule.methods],
    rule.resources && [...rule.resources],
    rule.select,
    rule.action.name,
    rule.params,
    rule.examples,
  ]);
