// `scim-proxy replay DIR --to URL`: sends the recorded requests of DIR in file-name order (arrival
// order) and says, per file, whether the status matches the recording. Ids that MAS assigned in the
// recording are followed: each answer's ids are paired with the recorded ones, and later requests
// name the new ids. Exit 0 when every file matches, 1 on any mismatch, 2 on a usage error.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { idMap } from '../record/id-map.ts';
import { answerIds, type RecordedCase, type RecordedRequest, readCase } from '../record/recorded-case.ts';
import { parseResourcePath } from '../scim/resource-path.ts';
import { type Command, type Invocation, USAGE_ERROR } from './command.ts';
import type { Output } from './output.ts';

const TIMEOUT_MS = 90_000;

interface Options {
  dir: string;
  to: URL;
  profile: string | undefined;
  token: string | undefined;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'send recorded requests (RECORD_DIR) in order; report whether each status matches',
  usage: `usage: scim-proxy replay DIR --to URL [--profile ID] [--token-file FILE]

  DIR                recorded files (RECORD_DIR) or corpus cases, sent in file-name order
  --to URL           where to send them: the proxy's base URL, e.g. http://localhost:8080
  --profile ID       send to this MAS profile instead of the recorded one
  --token-file FILE  the proxy's Secret Token (SCIM_TOKEN) to present; or set REPLAY_TOKEN

Before sending anything, replay checks once that the proxy answers at --to and accepts the token.
Exit 0 when every file matches, 1 on any mismatch, 2 when it could not start.`,
  options: { to: { type: 'string' }, profile: { type: 'string' }, 'token-file': { type: 'string' } },
  positionals: [1, 1],
  run: (input, out, env) => replay(input, out, env),
};

async function replay(input: Invocation, out: Output, env: NodeJS.ProcessEnv): Promise<number> {
  const options = await optionsOf(input, env, out);
  if (!options) return USAGE_ERROR;
  let files: string[];
  try {
    files = (await readdir(options.dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    out.error(
      `replay: cannot read ${options.dir} (${(error as NodeJS.ErrnoException).code}); give the recording directory`,
    );
    return USAGE_ERROR;
  }
  const refused = await preflight(options, files[0] && path.join(options.dir, files[0]));
  if (refused) {
    out.error(`replay: ${refused}; nothing was sent`);
    return USAGE_ERROR;
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

/**
 * One harmless read before the first file: a proxy that cannot be reached, or that refuses the
 * token, would otherwise turn every file into a MISMATCH that says nothing about the recording.
 */
async function preflight(options: Options, first: string | undefined): Promise<string | undefined> {
  let profile = options.profile;
  if (!profile && first) {
    try {
      const recorded = readCase(JSON.parse(await readFile(first, 'utf8')));
      if (typeof recorded !== 'string') profile = parseResourcePath(recorded.request.path)?.profile;
    } catch {
      // The file's own verdict will say what is wrong with it.
    }
  }
  const probe = new URL(`/scim/v2/${encodeURIComponent(profile ?? 'replay-check')}/Users`, options.to.origin);
  probe.search = `filter=${encodeURIComponent('userName eq "scim-proxy-replay-check"')}`;
  let res: Response;
  try {
    res = await fetch(probe, {
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.body?.cancel();
  } catch (error) {
    const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
    return `cannot reach ${options.to.origin} (${cause?.code ?? cause?.message ?? (error as Error).message}); check --to and that the proxy runs`;
  }
  if (res.status === 401)
    return options.token
      ? `the proxy at ${options.to.origin} refused the token (401); give its SCIM_TOKEN in REPLAY_TOKEN or --token-file`
      : `the proxy at ${options.to.origin} wants a Secret Token (401); set REPLAY_TOKEN or --token-file FILE to its SCIM_TOKEN`;
  return undefined;
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

async function optionsOf(input: Invocation, env: NodeJS.ProcessEnv, out: Output): Promise<Options | undefined> {
  const to = String(input.values.to ?? '');
  if (!to) {
    out.error("replay: --to URL is missing; give the proxy's base URL, e.g. --to http://localhost:8080");
    return undefined;
  }
  if (!URL.canParse(to) || !/^https?:$/.test(new URL(to).protocol)) {
    out.error(
      `replay: --to ${to} is not an http(s) URL; write it with its scheme, e.g. http://${to.replace(/^\w+:\/\//, '')}`,
    );
    return undefined;
  }
  let token = env.REPLAY_TOKEN?.trim() || undefined;
  const tokenFile = input.values['token-file'];
  if (typeof tokenFile === 'string') {
    try {
      token = (await readFile(tokenFile, 'utf8')).trim();
    } catch (error) {
      out.error(`replay: cannot read ${tokenFile} (${(error as NodeJS.ErrnoException).code})`);
      return undefined;
    }
  }
  const profile = typeof input.values.profile === 'string' ? input.values.profile : undefined;
  return { dir: input.positionals[0] as string, to: new URL(to), profile, token };
}
