// A value read from mounted files and re-read when they change: credentials and certificates that
// rotate without a restart. The kubelet updates a Secret or ConfigMap volume by writing a new
// timestamped directory and swapping the `..data` symlink to it, which fs.watch misses (the watched
// inode never changes), so the files are polled: a hash of their contents, read through symlinks.
// A change goes live only whole: every file read, no swap in the middle of the reads, and `parse`
// accepting the contents; otherwise the value in use stays and the refusal is logged once, with
// the files and the fix but never their contents.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'winston';
import { startSerialPoll } from './serial-poll.ts';

export interface WatchedFile<T> {
  /** The value in use: the last contents that parsed. */
  current(): T;
  /** Reads the files and swaps the value if they changed and parse; `changing` when they moved while being read. */
  check(): Promise<'unchanged' | 'reloaded' | 'rejected' | 'changing'>;
  /** Stops polling (drain). */
  stop(): void;
}

export interface WatchedFileOptions<T> {
  /** What the files hold, for log lines: e.g. "SCIM_TOKEN_FILE". */
  name: string;
  /** Read together (a certificate and its key): a pair from two different swaps is never parsed. */
  files: readonly string[];
  /** The value of the files' contents; throws an Error whose message says what is wrong to refuse them. */
  parse: (contents: readonly Buffer[]) => T;
  /** Polling period; 0 reads once. */
  intervalMs: number;
  logger: Pick<Logger, 'info' | 'error'>;
  /** Called after each reload attempt that found changed files. */
  onReload?: (result: 'success' | 'failure') => void;
  /** Called with the new value after it went live. */
  onChange?: (value: T) => void;
}

export class WatchedFileError extends Error {
  override name = 'WatchedFileError';
}

interface Snapshot {
  contents: Buffer[];
  hash: string;
}

async function snapshot(files: readonly string[]): Promise<Snapshot> {
  const contents = await Promise.all(files.map((file) => readFile(file)));
  const hash = createHash('sha256');
  for (const content of contents) hash.update(createHash('sha256').update(content).digest());
  return { contents, hash: hash.digest('hex') };
}

/** Reads and parses the files (throwing WatchedFileError at start, before any request) and starts polling them. */
export async function watchFile<T>(options: WatchedFileOptions<T>): Promise<WatchedFile<T>> {
  const { name, files, parse, intervalMs, logger } = options;
  let first: Snapshot;
  let value: T;
  try {
    first = await snapshot(files);
    value = parse(first.contents);
  } catch (error) {
    throw new WatchedFileError(`${name}: ${describe(error)}`, { cause: error });
  }
  let seen = first.hash;
  const compareAndLoad = async (): Promise<'unchanged' | 'reloaded' | 'rejected' | 'changing'> => {
    let next: Snapshot;
    try {
      next = await snapshot(files);
    } catch (error) {
      // Mid-swap the old target can vanish under a read: look again at the next poll before refusing.
      const again = await snapshot(files).catch(() => undefined);
      if (again) return 'changing';
      return refuse(`unreadable: ${describe(error)}`, error);
    }
    if (next.hash === seen) return 'unchanged';
    let parsed: T;
    try {
      parsed = parse(next.contents);
    } catch (error) {
      if ((await snapshot(files).catch(() => undefined))?.hash !== next.hash) return 'changing';
      seen = next.hash;
      return refuse(describe(error), error);
    }
    if ((await snapshot(files).catch(() => undefined))?.hash !== next.hash) return 'changing';
    seen = next.hash;
    value = parsed;
    lastRefusal = '';
    options.onReload?.('success');
    options.onChange?.(parsed);
    logger.info(`${name} reloaded: the new contents are in use`, { files });
    return 'reloaded';
  };

  let lastRefusal = '';
  const refuse = (reason: string, error: unknown): 'rejected' => {
    // Reported once per reason (an unreadable file stays so across polls), again when it changes.
    if (reason !== lastRefusal) {
      options.onReload?.('failure');
      logger.error(`${name} not reloaded: the previous contents stay in use`, {
        files,
        reason,
        fix: 'correct the Secret (each key holds the whole value); the proxy retries when the files change',
        ...(error instanceof Error && error.cause instanceof Error && { cause: error.cause.message }),
      });
    }
    lastRefusal = reason;
    return 'rejected';
  };

  const polling = startSerialPoll(compareAndLoad, intervalMs, (error) =>
    logger.error(`${name} reload check failed`, { files, error: describe(error) }),
  );
  return { current: () => value, check: polling.check, stop: polling.stop };
}

/** An error's message without file contents: Node's read errors name the path and code only. */
function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code} ${(error as NodeJS.ErrnoException).path ?? ''}`.trim() : (error as Error).message;
}
