// CPU time a process has used (user + system), read from /proc: divided by the requests it served,
// it is the cost of one request, which holds even when the machine is shared and throughput is not.
import { readFile } from 'node:fs/promises';

const TICKS_PER_SECOND = 100;

/** Milliseconds of CPU used by `pid` so far; NaN where /proc is not there. */
export async function cpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces), which ends at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
