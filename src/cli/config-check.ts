// `scim-proxy config check`: the check the proxy runs at start, without starting it (oauth2-proxy's
// --config-test), so a Deployment's environment is proven before it is rolled out.
import { ConfigError } from '../config.ts';
import { checkConfiguration } from '../config-check.ts';
import type { Command } from './command.ts';

export const configCheckCommand: Command = {
  name: 'config check',
  summary: 'check the environment and every file it names, as the proxy does at start, without starting',
  usage: `usage: scim-proxy config check

Checks the environment (PORT, MAS_URL, timeouts, secrets and their files, ...), the rules (built-in and
RULES_DIR), GROUP_MAP_FILE and the TLS pair exactly as the proxy does at start, and lists every
problem at once with the value seen and the fix. Exit 0 when the proxy would start, 1 when not.`,
  positionals: [0, 0],
  async run(_input, out, env) {
    try {
      const { config, rules, groups } = await checkConfiguration(env);
      const mas = config.masUrl ? `MAS ${config.masUrl.origin}` : 'demo mode (MAS_URL unset: the built-in simulator)';
      out.log(
        `configuration is valid: ${mas}; ${rules} rules; ${config.groupMapFile ? `${groups} group table entries` : 'no group table'}; port ${config.port}, metrics ${config.metricsPort}`,
      );
      return 0;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems) out.error(`FAIL ${problem}`);
      out.error(
        `configuration is invalid: ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}; the proxy would not start`,
      );
      return 1;
    }
  },
};
