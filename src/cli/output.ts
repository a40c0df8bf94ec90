import { createInterface } from 'node:readline';

/** Where a command writes: the terminal, or a buffer in tests. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
  /** Asks a question and waits for one line; undefined when nobody can answer (no input left). */
  ask?(question: string): Promise<string | undefined>;
}

export const terminal: Output = {
  log: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      // A closed input (a script's </dev/null, a pipe that ended) is no answer, not a yes.
      return await new Promise<string | undefined>((resolve) => {
        rl.once('close', () => resolve(undefined));
        rl.question(question, resolve);
      });
    } finally {
      rl.close();
    }
  },
};
