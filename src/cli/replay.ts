// `scim-proxy replay DIR --to URL`: sends the recorded requests of DIR in file-name order (arrival
// order) and says, per file, whether the status matches the recording. Ids that MAS assigned in the
// recording are followed: each answer's ids are paired with the recorded ones, and later requests
// name the new ids. Exit 0 when every file matches, 1 on any mismatch, 2 on a usage error.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { idMap } from '../record/id-map.ts';
import { answerIds, type RecordedCase, type RecordedRequest, readCase } from '../record/recorded-case.ts';
import { parseResourcePath } from '../scim/resource-path.ts';
import type { Output } from './output.ts';

const USAGE = `usage: scim-proxy replay DIR --to URL [--profile ID] [--token-file FILE]

  DIR                recorded files (RECORD_DIR) or corpus cases, sent in file-name order
  --to URL           where to send them: the proxy's base URL, e.g. http://localhost:8080
  --profile ID       send to this MAS profile instead of the recorded one
  --token-file FILE  the Secret Token to present (or REPLAY_TOKEN); none: no Authorization`;

const TIMEOUT_MS = 90_000;

interface Options {
  dir: string;
  to: URL;
  profile: string | undefined;
  token: string | undefined;
}

export async function replay(args: readonly string[], out: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const options = await parseArgs(args, env, out);
  if (!options) return 2;
  let files: string[];
  try {
    files = (await readdir(options.dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    out.error(
      `replay: cannot read ${options.dir} (${(error as NodeJS.ErrnoException).code}); give the recording directory`,
    );
    return 2;
  }
  const ids = idMap();
  let matched = 0;
  for (const file of files) {
    const verdict = await replayOne(path.join(options.dir, file), options, ids);
    if (verdict.match) matched += 1;
    out.log(`${verdict.match ? 'match   ' : 'MISMATCH'}  ${file}  ${verdict.detail}`);
  }
  out.log(`replay: ${matched} of ${files.length} files match the recording`);
  return matched === files.length ? 0 : 1;
}

async function replayOne(
  file: string,
  options: Options,
  ids: ReturnType<typeof idMap>,
): Promise<{ match: boolean; detail: string }> {
  let recorded: RecordedCase | string;
  try {
    recorded = readCase(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    recorded = `not JSON (${(error as Error).message})`;
  }
  if (typeof recorded === 'string') return { match: false, detail: recorded };
  const expected = expectation(recorded);
  const request = ids.apply(withProfile(recorded.request, options.profile));
  let response: Response;
  let text: string;
  try {
    response = await fetch(urlOf(options.to, request), {
      method: request.method,
      headers: headersOf(request, options.token),
      ...(request.body !== null && request.body !== undefined && { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
    return { match: false, detail: `request failed (${cause?.code ?? cause?.message ?? (error as Error).message})` };
  }
  if (response.ok && recorded.mas) ids.learn(recorded.mas.ids, answerIds(parse(text)));
  const status = response.status;
  return expected.test(status)
    ? { match: true, detail: String(status) }
    : { match: false, detail: `status ${status}, recorded ${expected.says}` };
}

/** What the file expects: a recording says the status; a hand-written corpus case says its kind. */
function expectation(recorded: RecordedCase): { test: (status: number) => boolean; says: string } {
  const { expect } = recorded;
  const exactly = typeof expect.status === 'number' ? expect.status : expect.local_status;
  if (typeof exactly === 'number') return { test: (s) => s === exactly, says: String(exactly) };
  if (expect.blocked) return { test: (s) => s >= 400 && s < 500, says: 'a 4xx refusal' };
  return { test: (s) => s < 400, says: 'success' };
}

function withProfile(request: RecordedRequest, profile: string | undefined): RecordedRequest {
  const target = parseResourcePath(request.path);
  if (!profile || target?.profile === undefined) return request;
  const segments = request.path.split('/');
  segments[3] = encodeURIComponent(profile);
  return { ...request, path: segments.join('/') };
}

/** Bare names for empty values, as Entra sends its flags (`?aadOptscim062020`). */
function urlOf(base: URL, request: RecordedRequest): URL {
  const query = Object.entries(request.query ?? {})
    .map(([key, value]) =>
      value === '' ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
    )
    .join('&');
  return new URL(`${request.path}${query ? `?${query}` : ''}`, base.origin);
}

function headersOf(request: RecordedRequest, token: string | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (name.toLowerCase() !== 'authorization' && typeof value === 'string') headers.set(name, value);
  }
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (request.body !== null && request.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/scim+json');
  return headers;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function parseArgs(args: readonly string[], env: NodeJS.ProcessEnv, out: Output): Promise<Options | undefined> {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const value = args[i + 1];
    if (!['--to', '--profile', '--token-file'].includes(arg) || value === undefined) {
      out.error(USAGE);
      return undefined;
    }
    flags[arg] = value;
    i += 1;
  }
  const dir = positional[0];
  const to = flags['--to'];
  if (!dir || !to || positional.length > 1 || !URL.canParse(to)) {
    out.error(USAGE);
    return undefined;
  }
  let token = env.REPLAY_TOKEN?.trim() || undefined;
  const tokenFile = flags['--token-file'];
  if (tokenFile) {
    try {
      token = (await readFile(tokenFile, 'utf8')).trim();
    } catch (error) {
      out.error(`replay: cannot read ${tokenFile} (${(error as NodeJS.ErrnoException).code})`);
      return undefined;
    }
  }
  return { dir, to: new URL(to), profile: flags['--profile'], token };
}
