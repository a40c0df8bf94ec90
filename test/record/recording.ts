// Helpers for the recording tests: a MAS simulator, a proxy in front of it that records into a fresh
// directory, and the recorded files read back.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { test } from 'node:test';
import type { RecordedCase } from '../../src/record/recorded-case.ts';
import { createRecorder, type RecorderOptions } from '../../src/record/recorder.ts';
import { type StartedSimulator, startSimulator } from '../../src/simulator/index.ts';
import { MAS_TOKEN, startProxy, type TestProxy } from '../support/proxy.ts';

export const PROFILE = 'MasProfile1';

export async function tempDir(t: test.TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'record-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A simulator that gives groups random id suffixes, so two runs never share a group id. */
export async function simulator(t: test.TestContext): Promise<StartedSimulator> {
  const sim = await startSimulator({ staticTokens: [MAS_TOKEN], profiles: [{ id: PROFILE, version: 1 }] });
  t.after(() => sim.close());
  return sim;
}

export interface RecordingProxy {
  proxy: TestProxy;
  results: string[];
  /** Lets in-flight exchanges finish and waits until every accepted record is on disk. */
  finish(): Promise<void>;
}

export async function recordingProxy(
  t: test.TestContext,
  masUrl: string,
  options: Partial<RecorderOptions> & { dir: string },
  env: Record<string, string> = {},
): Promise<RecordingProxy> {
  const results: string[] = [];
  const recorder = createRecorder({
    maxFiles: 10_000,
    maxBytes: 1 << 30,
    hashPersonalData: false,
    onResult: (result) => results.push(result),
    ...options,
  });
  const proxy = await startProxy(masUrl, env, [recorder]);
  let finished: Promise<void> | undefined;
  const finish = () => {
    finished ??= proxy.close().then(() => recorder.close());
    return finished;
  };
  t.after(finish);
  return { proxy, results, finish };
}

export async function recordedFiles(dir: string): Promise<{ name: string; text: string; json: RecordedCase }[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(
    names.map(async (name) => {
      const text = await readFile(path.join(dir, name), 'utf8');
      return { name, text, json: JSON.parse(text) as RecordedCase };
    }),
  );
}
