// What start-up checks throw: every problem found, each with its fix, so an administrator corrects
// a Deployment in one pass instead of one restart per mistake.
export class ProblemList extends Error {
  readonly problems: readonly string[];
  constructor(what: string, problems: readonly string[]) {
    super(`${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}
