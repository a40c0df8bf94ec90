// The CLI's own small door to MAS: the same base URL and credentials as the proxy, one call at a time.
// A call either has MAS's answer or throws a ScimError saying why there is none (the connection, or
// the credentials exchange), so no command ends in a stack trace.
import type { Config } from '../config.ts';
import { ScimError } from '../scim/error.ts';
import { credentialsFor } from '../service.ts';
import { connectionProblem } from '../upstream/connection-problem.ts';
import type { Credentials } from '../upstream/credentials.ts';

export interface MasAnswer {
  status: number;
  /** Parsed JSON, or the text when it is not JSON. */
  body: unknown;
  /** The media type alone (`text/html`), or undefined. */
  contentType: string | undefined;
}

export interface MasClient {
  /** The credentials every call uses; one token for the whole client. */
  credentials: Credentials;
  call(method: string, path: string, body?: unknown): Promise<MasAnswer>;
  /** The same call without the proxy's credentials. */
  anonymous(method: string, path: string): Promise<MasAnswer>;
}

export function masClient(config: Readonly<Config>, masUrl: URL): MasClient {
  const credentials = credentialsFor(config, masUrl);
  const send = async (method: string, path: string, authorization: string | undefined, body?: unknown) => {
    let res: Response;
    let text: string;
    try {
      res = await fetch(new URL(path, masUrl), {
        method,
        headers: {
          accept: 'application/json',
          ...(authorization && { authorization }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(config.upstreamTimeoutMs),
      });
      text = await res.text();
    } catch (error) {
      const problem = connectionProblem(error);
      throw new ScimError(502, `MAS at ${masUrl.origin} could not be reached (${problem.code}): ${problem.advice}`, {
        code: 'mas_unreachable',
        cause: error,
      });
    }
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text for the message.
    }
    return { status: res.status, body: parsed, contentType: res.headers.get('content-type')?.split(';')[0]?.trim() };
  };
  return {
    credentials,
    call: async (method, path, body) => send(method, path, await credentials.authorization(), body),
    anonymous: (method, path) => send(method, path, undefined),
  };
}

/** MAS's own words from an error answer (SCIM `detail`, MAS's `exception.message`), shortened. */
export function masSays(answer: MasAnswer): string {
  const { body } = answer;
  if (body && typeof body === 'object') {
    const record = body as { detail?: unknown; exception?: { message?: unknown }; message?: unknown };
    const said = record.detail ?? record.exception?.message ?? record.message;
    if (typeof said === 'string') return said.slice(0, 300);
    return JSON.stringify(body).slice(0, 300);
  }
  if (answer.contentType === 'text/html') return 'a web page (text/html)';
  return typeof body === 'string' ? body.slice(0, 300) : 'an empty answer';
}
