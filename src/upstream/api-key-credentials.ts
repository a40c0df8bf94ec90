// MAS credentials from an API key: GET /v1/authenticate with HTTP Basic (key id, key token) returns
// {"token": "<JWT>"}. The JWT is cached and renewed before its `exp`, so Entra's job never meets an
// expired token; concurrent requests wait on one renewal instead of each minting their own.
import { tokenExpiry } from '../observe/token-expiry.ts';
import { ScimError } from '../scim/error.ts';
import type { Credentials } from './credentials.ts';

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

  async function mint(): Promise<Cached> {
    const key = currentKey();
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: { authorization: basicFor(key), 'mas-jwt-expiry-duration': expiry, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ScimError(
        502,
        `scim-proxy could not reach MAS at ${url.origin} to get a token (${(error as Error).name}); check MAS_URL.`,
        {
          code: 'mas_auth_unreachable',
          cause: error,
        },
      );
    }
    const body = (await res.json().catch(() => undefined)) as { token?: unknown } | undefined;
    if (!res.ok || typeof body?.token !== 'string') {
      throw new ScimError(
        502,
        `MAS refused the API key at /v1/authenticate (HTTP ${res.status}); check MAS_API_KEY_ID and MAS_API_KEY, and that the key is active with user administration rights.`,
        {
          code: 'mas_auth_failed',
        },
      );
    }
    const expiresAt = tokenExpiry(body.token);
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
