// The scim-proxy command. Each subcommand is a function of (args, output) returning an exit code.
import { doctor } from './doctor.ts';
import { type Output, terminal } from './output.ts';
import { profiles } from './profiles.ts';

export { terminal };

import { replay } from './replay.ts';
import { rewrite } from './rewrite.ts';
import { rulesCheck } from './rules-check.ts';

const USAGE = `usage: scim-proxy <command>

  rules check [DIR...]   validate the built-in rules and those in DIR, and run every example
  rewrite [FILE|-]       print the request MAS would receive for one Entra request (corpus format)
  replay DIR --to URL    send recorded requests (RECORD_DIR) in order; report whether each status matches
  doctor [--profile ID]  check configuration, rules, group table, MAS, the MAS token and the profile
  profiles get ID        show a MAS SCIM profile
  profiles apply FILE    show the difference, raise version past MAS's and apply (--dry-run: show only)

Start the proxy itself with: npm start (or node dist/main.js in the image).`;

export async function cli(args: readonly string[], out: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const [command, sub, ...rest] = args;
  if (command === 'rules' && sub === 'check') return rulesCheck(rest, out);
  if (command === 'rewrite') return rewrite(args.slice(1), out, env);
  if (command === 'replay') return replay(args.slice(1), out, env);
  if (command === 'doctor') return doctor(args.slice(1), out, env);
  if (command === 'profiles') return profiles(args.slice(1), out, env);
  out.error(USAGE);
  return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
}

if (import.meta.main) {
  process.exitCode = await cli(process.argv.slice(2), terminal, process.env);
}
