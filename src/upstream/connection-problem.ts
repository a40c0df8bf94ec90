// Why a connection to MAS failed, in the administrator's terms: a name that does not resolve, nothing
// listening, a certificate the proxy does not trust, or no answer in time. fetch() hides the cause
// one level down (error.cause); Node's own sockets give it directly.

const TLS_TRUST = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

export interface ConnectionProblem {
  /** The underlying code (ENOTFOUND, ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN, timeout, ...). */
  code: string;
  /** What it means and what to do, without the URL (the caller names it). */
  advice: string;
}

export function connectionProblem(error: unknown): ConnectionProblem {
  const cause = ((error as Error)?.cause ?? error) as NodeJS.ErrnoException | undefined;
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError' || cause?.name === 'TimeoutError')
    return {
      code: 'timeout',
      advice: 'no answer in time; check that MAS is running and the NetworkPolicy lets the proxy reach it',
    };
  const code = cause?.code ?? (error as NodeJS.ErrnoException)?.code ?? 'error';
  if (TLS_TRUST.has(code))
    return {
      code,
      advice:
        "MAS's TLS certificate is not trusted; mount MAS's CA (ca.crt of the <instance>-coreapi-cert-internal Secret, or the router's CA) and point NODE_EXTRA_CA_CERTS at it (chart: mas.ca)",
    };
  if (code === 'CERT_HAS_EXPIRED') return { code, advice: "MAS's TLS certificate has expired; renew it on MAS" };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return {
      code,
      advice: "MAS's certificate does not name this host; use the host name the certificate is for in MAS_URL",
    };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return {
      code,
      advice: 'the host name does not resolve; check the host in MAS_URL (https://api.<instance>.<domain>)',
    };
  if (code === 'ECONNREFUSED') return { code, advice: 'nothing listens there; check the host and port in MAS_URL' };
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER')
    return { code, advice: 'TLS does not match what listens there; check http:// versus https:// in MAS_URL' };
  return { code, advice: `${cause?.message ?? (error as Error)?.message ?? 'the connection failed'}; check MAS_URL` };
}
