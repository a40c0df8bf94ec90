// RECORD_DIR: each exchange written as one corpus-format file, after the response has gone and one at
// a time, so recording never slows a request and a failing disk never fails one. Bounded by file
// count and total size (counting what is already in the directory, so a restart does not reset the
// budget) and by how many records may wait for the disk.
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'winston';
import type { Exchange, ExchangeObserver } from '../exchange.ts';
import { type Hasher, hasher } from '../observe/audit-view.ts';
import { caseName, isRecordable, recordedCase } from './recorded-case.ts';
import { scrubber } from './scrubber.ts';

export interface RecorderOptions {
  dir: string;
  maxFiles: number;
  maxBytes: number;
  hashPersonalData: boolean;
  /** Key for the hashes (HMAC-SHA256), the audit trail's, so both hash a person alike. */
  hashSalt?: string;
  /** Counts each exchange offered: written, skipped (a bound reached) or failed (the disk). */
  onResult?: (result: 'written' | 'skipped' | 'failed') => void;
  logger?: Logger;
  version?: string;
  /** Records waiting for the disk; past it, exchanges are skipped rather than held in memory. */
  queueLimit?: number;
}

/** An observer that finishes writing what it has accepted on close (shutdown). */
export type Recorder = ExchangeObserver & { close(): Promise<void> };

const QUEUE_LIMIT = 1000;

export function createRecorder(options: RecorderOptions): Recorder {
  const { dir, maxFiles, maxBytes, onResult = () => {}, logger, version = 'unknown' } = options;
  const hash: Hasher | undefined = options.hashPersonalData ? hasher(options.hashSalt) : undefined;
  const scrub = scrubber(hash);
  const queueLimit = options.queueLimit ?? QUEUE_LIMIT;
  const used = { files: 0, bytes: 0 };
  let sequence = 0;
  let waiting = 0;
  let lastFailure: string | undefined;
  // Writes go one after the other on this chain, behind the count of what the directory holds.
  let chain: Promise<void> = usage(dir).then(
    (found) => {
      Object.assign(used, found);
    },
    () => {}, // an unusable directory shows as a failure on the first write, with its reason
  );

  const write = async (exchange: Exchange, status: number, name: string): Promise<void> => {
    if (used.files >= maxFiles) return onResult('skipped');
    const text = `${JSON.stringify(recordedCase(exchange, status, scrub, { name, version, hashed: hash !== undefined }), null, 2)}\n`;
    const bytes = Buffer.byteLength(text);
    if (used.bytes + bytes > maxBytes) return onResult('skipped');
    const file = path.join(dir, `${name}.json`);
    try {
      // `wx`: never overwrite, should two replicas share the directory and a name.
      await writeFile(file, text, { flag: 'wx', mode: 0o640 });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      // One line per kind of trouble, not one per request while the disk stays full.
      if (code !== lastFailure) logger?.warn('recording an exchange failed', { dir, file: `${name}.json`, code });
      lastFailure = code;
      return onResult('failed');
    }
    lastFailure = undefined;
    used.files += 1;
    used.bytes += bytes;
    onResult('written');
  };

  const record: ExchangeObserver = function record(exchange, status) {
    if (!isRecordable(exchange)) return;
    if (waiting >= queueLimit) return onResult('skipped');
    sequence += 1;
    const name = caseName(exchange, sequence);
    waiting += 1;
    chain = chain
      .then(() => write(exchange, status, name))
      .catch((error: unknown) => {
        // A bug in building the record: it must not stop the recordings after it.
        logger?.error('recording an exchange failed', { error: (error as Error).message });
        onResult('failed');
      })
      .finally(() => {
        waiting -= 1;
      });
  };
  return Object.assign(record, { close: () => chain });
}

/** Files and bytes of the recordings already in `dir` (created when missing). */
async function usage(dir: string): Promise<{ files: number; bytes: number }> {
  await mkdir(dir, { recursive: true });
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  const sizes = await Promise.all(
    names.map((name) =>
      stat(path.join(dir, name)).then(
        (s) => s.size,
        () => 0,
      ),
    ),
  );
  return { files: names.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
}
