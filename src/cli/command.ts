// What every subcommand shares: its usage text, the options it takes, and the same answers to
// --help/-h (usage, exit 0), an unknown option or a wrong number of arguments (said, exit 2).
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { ConfigError } from '../config.ts';
import { ScimError } from '../scim/error.ts';
import type { Output } from './output.ts';

export interface Invocation {
  positionals: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

export interface Command {
  /** The words that select it: `doctor`, `rules check`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  usage: string;
  options?: ParseArgsOptionsConfig;
  /** How many arguments it takes besides options: [least, most]. */
  positionals: readonly [number, number];
  run(input: Invocation, out: Output, env: NodeJS.ProcessEnv): Promise<number>;
}

export const USAGE_ERROR = 2;

export async function runCommand(
  command: Command,
  args: readonly string[],
  out: Output,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const end = args.indexOf('--');
  const options = end < 0 ? args : args.slice(0, end);
  if (options.includes('--help') || options.includes('-h')) {
    out.log(command.usage);
    return 0;
  }
  let input: Invocation;
  try {
    const parsed = parseArgs({ args: [...args], options: command.options ?? {}, allowPositionals: true, strict: true });
    input = { positionals: parsed.positionals, values: parsed.values };
  } catch (error) {
    return usageError(command, argumentProblem(error), out);
  }
  const [least, most] = command.positionals;
  const count = input.positionals.length;
  if (count < least) return usageError(command, 'missing argument', out);
  if (count > most) return usageError(command, `unexpected argument "${input.positionals[most]}"`, out);
  try {
    return await command.run(input, out, env);
  } catch (error) {
    // A wrong configuration, an unreachable MAS or refused credentials: one line each, never a stack trace.
    if (error instanceof ConfigError) {
      for (const problem of error.problems) out.error(`scim-proxy ${command.name}: ${problem}`);
      return 1;
    }
    if (error instanceof ScimError) {
      out.error(`scim-proxy ${command.name}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function usageError(command: Command, problem: string, out: Output): number {
  out.error(`scim-proxy ${command.name}: ${problem}`);
  out.error(command.usage);
  return USAGE_ERROR;
}

/** node:util's messages explain `--` escaping at length; the administrator needs only which option. */
function argumentProblem(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const option = /'([^']+)'/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return `option ${option.split(' ')[0]} ${message.includes('missing') ? 'needs a value' : 'takes no value'}`;
  return message.split('\n')[0] ?? message;
}
