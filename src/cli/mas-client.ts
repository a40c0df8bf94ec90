// The CLI's own small door to MAS: the same base URL and credentials as the proxy, one call at a time.
import type { Config } from '../config.ts';
import { credentialsFor } from '../service.ts';
import type { Credentials } from '../upstream/credentials.ts';

export interface MasAnswer {
  status: number;
  body: unknown;
}

export interface MasClient {
  /** The credentials every call uses; one token for the whole client. */
  credentials: Credentials;
  call(method: string, path: string, body?: unknown): Promise<MasAnswer>;
}

export function masClient(config: Readonly<Config>, masUrl: URL): MasClient {
  const credentials = credentialsFor(config, masUrl);
  return {
    credentials,
    async call(method, path, body) {
      const authorization = await credentials.authorization();
      const res = await fetch(new URL(path, masUrl), {
        method,
        headers: {
          accept: 'application/json',
          ...(authorization && { authorization }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(config.upstreamTimeoutMs),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: keep the text for the message.
      }
      return { status: res.status, body: parsed };
    },
  };
}
