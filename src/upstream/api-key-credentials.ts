// MAS credentials from an API key: GET /v1/authenticate with HTTP Basic (key id, key token) returns
// {"token": "<JWT>"}. The JWT is cached and renewed before its `exp`, so Entra's job never meets an
// expired token; concurrent requests wait on one renewal instead of each minting their own.
import { tokenExpiry } from '../observe/token-expiry.ts';
import { ScimError } from '../scim/error.ts';
import { connectionProblem } from './connection-problem.ts';
import type { Credentials } from './credentials.ts';

/** One exchange of the API key for a JWT, for the log: never the key, never the token. */
export type TokenExchange =
  | { result: 'success'; expiresAt: Date | undefined }
  | { result: 'failure'; code: string; status: number | undefined; detail: string };

export interface ApiKeyOptions {
  masUrl: URL;
  keyId: string;
  /** The key; a function when it is re-read from MAS_API_KEY_FILE: a new key mints a new JWT at the next request. */
  key: string | (() => string);
  /** Sent as `mas-jwt-expiry-duration` (ISO 8601, e.g. PT12H); MAS's default is short. */
  expiry: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** Renewal outcome, for scim_proxy_mas_token_refreshes_total{result}. */
  onRenewal?: (result: 'success' | 'failure') => void;
  /** The new token's expiry (undefined: it never expires). */
  onExpiry?: (expiresAt: Date | undefined) => void;
  /** Each exchange and how it ended (the proxy logs them). */
  onExchange?: (exchange: TokenExchange) => void;
  timeoutMs?: number;
}

interface Cached {
  header: string;
  /** The API key the JWT was minted with: a rotated key replaces it. */
  key: string;
  /** When to renew, in ms since the epoch: before `exp`, with a margin; Infinity when it never expires. */
  renewAt: number;
}

export function apiKeyCredentials(options: ApiKeyOptions): Credentials {
  const { masUrl, keyId, key, expiry, now = Date.now, timeoutMs = 15_000 } = options;
  const doFetch = options.fetch ?? fetch;
  const url = new URL('/v1/authenticate', masUrl);
  const currentKey = typeof key === 'string' ? () => key : key;
  const basicFor = (secret: string) => `Basic ${Buffer.from(`${keyId}:${secret}`).toString('base64')}`;
  let cached: Cached | undefined;
  let renewing: Promise<Cached> | undefined;

  const failed = (error: ScimError, status?: number): ScimError => {
    options.onExchange?.({ result: 'failure', code: error.code, status, detail: error.message });
    return error;
  };

  async function mint(): Promise<Cached> {
    const key = currentKey();
    let res: Response;
    let body: { token?: unknown } | undefined;
    try {
      res = await doFetch(url, {
        headers: { authorization: basicFor(key), 'mas-jwt-expiry-duration': expiry, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = (await res.json().catch(() => undefined)) as { token?: unknown } | undefined;
    } catch (error) {
      const problem = connectionProblem(error);
      throw failed(
        new ScimError(
          502,
          `scim-proxy could not reach MAS at ${url.origin} to get a token (${problem.code}): ${problem.advice}.`,
          { code: 'mas_auth_unreachable', cause: error },
        ),
      );
    }
    if (!res.ok || typeof body?.token !== 'string') throw failed(refusal(url, res, body !== undefined), res.status);
    const expiresAt = tokenExpiry(body.token);
    options.onExchange?.({ result: 'success', expiresAt });
    options.onExpiry?.(expiresAt);
    if (expiresAt === undefined) return { header: `Bearer ${body.token}`, key, renewAt: Number.POSITIVE_INFINITY };
    // Renew when a fifth of the lifetime is left, and at least a minute before it ends.
    const margin = Math.max(60_000, (expiresAt.getTime() - now()) / 5);
    return { header: `Bearer ${body.token}`, key, renewAt: expiresAt.getTime() - margin };
  }

  function renew(): Promise<Cached> {
    renewing ??= mint()
      .then((fresh) => {
        cached = fresh;
        options.onRenewal?.('success');
        return fresh;
      })
      .catch((error: unknown) => {
        options.onRenewal?.('failure');
        throw error;
      })
      .finally(() => {
        renewing = undefined;
      });
    return renewing;
  }

  return {
    async authorization() {
      if (cached && now() < cached.renewAt && cached.key === currentKey()) return cached.header;
      return (await renew()).header;
    },
    renewable: true,
    async renewAfterRejection(used) {
      // Only the token MAS just rejected is renewed: if another request already renewed it, use that.
      if (cached && used !== cached.header) return;
      cached = undefined;
      await renew();
    },
  };
}

/**
 * Why /v1/authenticate gave no token. A refused key (401, 403) is not a wrong address (404, or a
 * web page instead of JSON), and neither is MAS failing (5xx): each has its own fix.
 */
function refusal(url: URL, res: Response, json: boolean): ScimError {
  const type = res.headers.get('content-type')?.split(';')[0] ?? 'no content-type';
  if (res.status === 401 || res.status === 403)
    return new ScimError(
      502,
      `MAS refused the API key at /v1/authenticate (HTTP ${res.status}); check MAS_API_KEY_ID and MAS_API_KEY, and that the key is active in MAS (Suite administration, API keys).`,
      { code: 'mas_auth_failed' },
    );
  if (res.status >= 500)
    return new ScimError(
      502,
      `MAS failed to issue a token (HTTP ${res.status} at /v1/authenticate); MAS itself is failing: check its coreapi pods and logs. Entra will retry.`,
      { code: 'mas_auth_error' },
    );
  return new ScimError(
    502,
    `${url.origin} is not MAS's API: /v1/authenticate answered HTTP ${res.status} (${json ? 'JSON without a token' : type}); set MAS_URL to MAS's API address, https://api.<instance>.<domain> (or in the cluster https://coreapi.mas-<instance>-core.svc).`,
    { code: 'mas_auth_not_mas' },
  );
}
