// The scim-proxy command. Each subcommand is a Command (usage, options, run) returning an exit code;
// this file only finds it and answers what matches none.
import { type Command, runCommand, USAGE_ERROR } from './command.ts';
import { configCheckCommand } from './config-check.ts';
import { doctorCommand } from './doctor.ts';
import { type Output, terminal } from './output.ts';
import { profilesApplyCommand, profilesGetCommand } from './profiles.ts';
import { replayCommand } from './replay.ts';
import { rewriteCommand } from './rewrite.ts';
import { rulesCheckCommand } from './rules-check.ts';

export { terminal };

const COMMANDS: readonly Command[] = [
  configCheckCommand,
  doctorCommand,
  profilesGetCommand,
  profilesApplyCommand,
  rulesCheckCommand,
  rewriteCommand,
  replayCommand,
];

const USAGE = `usage: scim-proxy <command> [options]   (scim-proxy <command> --help for its options)

${COMMANDS.map((c) => `  ${c.name.padEnd(16)}${c.summary}`).join('\n')}

Start the proxy itself with: npm start (or node dist/main.js in the image).`;

/** The command named by the first one or two words of args, and the rest. */
function find(args: readonly string[]): { command: Command; rest: readonly string[] } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((word, i) => args[i] === word)) return { command, rest: args.slice(words.length) };
  }
  return undefined;
}

export async function cli(args: readonly string[], out: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const [first] = args;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    const asked = first === 'help' ? find(args.slice(1)) : undefined;
    out.log(asked ? asked.command.usage : USAGE);
    return 0;
  }
  const found = find(args);
  if (found) return runCommand(found.command, found.rest, out, env);
  const words = args.filter((arg) => !arg.startsWith('-')).slice(0, 2);
  const known = COMMANDS.filter((c) => c.name.split(' ')[0] === first);
  out.error(
    known.length > 0
      ? `scim-proxy: unknown command "${words.join(' ')}"; ${first} has: ${known.map((c) => c.name).join(', ')}`
      : `scim-proxy: unknown ${first.startsWith('-') ? 'option' : 'command'} "${first}"`,
  );
  out.error(USAGE);
  return USAGE_ERROR;
}

if (import.meta.main) {
  process.exitCode = await cli(process.argv.slice(2), terminal, process.env);
}
