// The whole configuration checked in one pass: the environment, then every file it names (rules,
// group table, TLS pair), so an administrator sees every mistake at once, each with its fix. The
// proxy runs this at start and `scim-proxy config check` runs exactly this without starting.
import { access, constants } from 'node:fs/promises';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { GroupMapError, loadGroupMap } from './groups/group-map-file.ts';
import { loadRules, RuleLoadError, ruleDirs } from './rules/load.ts';

export interface CheckedConfig {
  config: Readonly<Config>;
  /** How many rules are active, built-in and RULES_DIR's, for the summary line. */
  rules: number;
  /** Entries in GROUP_MAP_FILE (0 without one). */
  groups: number;
}

/** The configuration when everything in it holds; otherwise a ConfigError listing every problem. */
export async function checkConfiguration(env: NodeJS.ProcessEnv): Promise<CheckedConfig> {
  const problems: string[] = [];
  let config: Readonly<Config> | undefined;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const value = (name: string) => env[name]?.trim() || undefined;
  let rules = 0;
  try {
    rules = (await loadRules(ruleDirs(value('RULES_DIR')))).length;
  } catch (error) {
    if (!(error instanceof RuleLoadError)) throw error;
    problems.push(...error.problems.map((problem) => `RULES_DIR: ${problem}`));
  }
  let groups = 0;
  const groupMapFile = value('GROUP_MAP_FILE');
  if (groupMapFile) {
    try {
      groups = Object.keys(await loadGroupMap(groupMapFile)).length;
    } catch (error) {
      if (!(error instanceof GroupMapError)) throw error;
      problems.push(error.message);
    }
  }
  for (const name of ['TLS_CERT_FILE', 'TLS_KEY_FILE']) {
    const file = value(name);
    if (file) problems.push(...(await readable(name, file)));
  }
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return { config, rules, groups };
}

async function readable(name: string, file: string): Promise<string[]> {
  try {
    await access(file, constants.R_OK);
    return [];
  } catch (error) {
    return [
      `${name}=${JSON.stringify(file)} cannot be read (${(error as NodeJS.ErrnoException).code}); mount the serving-certificate Secret there`,
    ];
  }
}
