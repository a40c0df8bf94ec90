/** Where a command writes: the terminal, or a buffer in tests. */
export interface Output {
  log(line: string): void;
  error(line: string): void;
}

export const terminal: Output = {
  log: (line) => process.stdout.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};
