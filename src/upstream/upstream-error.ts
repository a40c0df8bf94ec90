// What Entra is told when MAS does not give a usable answer. Each is a ScimError whose detail names
// the cause and the fix; Entra shows it in the provisioning log and retries the request later.
import { upstreamErrorKind } from '../observe/labels.ts';
import { ScimError } from '../scim/error.ts';

/** Connection and name errors: MAS_URL or MAS itself is the thing to check. */
const unreachable = (code: string) => ['connect', 'dns'].includes(upstreamErrorKind(code));

export const timeoutError = (timeoutMs: number) =>
  new ScimError(
    504,
    `MAS did not answer within ${timeoutMs} ms (UPSTREAM_TIMEOUT_MS); check MAS's health. Entra will retry.`,
    { code: 'upstream_timeout' },
  );

export const unreachableError = (masUrl: URL, code: string, cause: unknown) =>
  new ScimError(
    502,
    unreachable(code)
      ? `MAS at ${masUrl.origin} could not be reached (${code}); check MAS_URL and that MAS is running.`
      : `The connection to MAS at ${masUrl.origin} failed (${code}); check MAS's logs and its TLS certificate (NODE_EXTRA_CA_CERTS).`,
    { code: 'upstream_unreachable', cause },
  );

export const cutError = (masUrl: URL, cause: unknown) =>
  new ScimError(
    502,
    `MAS at ${masUrl.origin} closed the connection before its answer was complete; MAS may or may not have acted on the request. Entra will retry; check MAS's logs.`,
    { code: 'upstream_cut', cause },
  );

export const throttledError = (retryAfterSeconds: number) =>
  new ScimError(
    503,
    `MAS is throttling requests (429) and kept doing so after scim-proxy waited and retried; Entra will retry later. Lower MAS_MAX_CONCURRENCY if this persists.`,
    { code: 'upstream_throttled', headers: { 'retry-after': String(retryAfterSeconds) } },
  );

/** A static MAS_TOKEN is never renewed: the message must not claim a renewal that did not happen. */
export const credentialsRejectedError = (renewable: boolean) =>
  new ScimError(
    502,
    renewable
      ? "MAS rejected scim-proxy's own credentials (401), also after renewing them with the API key; check MAS_API_KEY_ID/MAS_API_KEY and that the key is active with user administration rights (run `scim-proxy doctor`). Entra's Secret Token is fine."
      : "MAS rejected scim-proxy's MAS_TOKEN (401); a static token is never renewed: replace it, or better set MAS_API_KEY_ID and MAS_API_KEY so the proxy gets and renews tokens itself (run `scim-proxy doctor`). Entra's Secret Token is fine.",
    { code: 'upstream_credentials_rejected' },
  );

/** MAS (or a router in front of it) answered an error without a SCIM or JSON body: an HTML page, or nothing. */
export const notScimError = (status: number, contentType: string | undefined, retryAfter: string | undefined) =>
  new ScimError(
    status >= 500 ? status : 502,
    `MAS answered ${status} without a SCIM error body (content-type ${contentType ?? 'none'}); check that MAS_URL is MAS's API address (https://api.<domain>) and that MAS is healthy.`,
    { code: 'upstream_not_scim', ...(retryAfter && { headers: { 'retry-after': retryAfter } }) },
  );

/** MAS answered 1xx or 101 (Switching Protocols): never part of SCIM, and the connection is closed. */
export const interimAnswerError = (status: number | undefined) =>
  new ScimError(
    502,
    `MAS answered ${status ?? 'an interim status'} instead of a final answer; scim-proxy never asks for an upgrade or interim answers, so it closed that connection. Check what answers at MAS_URL.`,
    { code: 'upstream_interim' },
  );

/** An answer the response rules must read (a group list) nested far deeper than SCIM ever does. */
export const tooDeepError = (maxDepth: number) =>
  new ScimError(
    502,
    `MAS answered JSON nested deeper than ${maxDepth} levels, which scim-proxy's response rules do not read; check what answers at MAS_URL.`,
    { code: 'upstream_too_deep' },
  );
