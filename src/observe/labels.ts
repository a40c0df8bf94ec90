// Label values for the metrics, each from a fixed list or from the rule files, never from the
// request: an id, a user name or a raw path in a label would make a series per user and sink Prometheus.

const RESOURCES = new Set([
  'Users',
  'Groups',
  'Schemas',
  'ServiceProviderConfig',
  'ResourceTypes',
  'Profiles',
  'Bulk',
  'Me',
]);
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
/** Why MAS could not answer, by what an operator would do about it. */
const UPSTREAM_ERROR_KINDS: Record<string, string> = {
  timeout: 'timeout',
  ECONNREFUSED: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
};
export const UPSTREAM_ERROR_LABELS = ['timeout', 'connect', 'dns', 'reset', 'tls', 'other'];
const RULE_ID = /^[A-Za-z0-9_.-]{1,80}$/;
export const resourceLabel = (resource: string | undefined): string =>
  resource !== undefined && RESOURCES.has(resource) ? resource : 'other';
export const methodLabel = (method: string): string => (METHODS.has(method) ? method : 'other');
export const codeLabel = (status: number | undefined): string =>
  status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other';
export const ruleLabel = (rule: string): string => (RULE_ID.test(rule) ? rule : 'other');
export function upstreamErrorKind(error: string): string {
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/i.test(error)) return 'tls';
  return UPSTREAM_ERROR_KINDS[error] ?? 'other';
}

/**
 * Requests the proxy refused on its own before MAS, by the stable code of the error: out-of-scope
 * routes and methods, paths, queries and headers a client must not send, and the guard's verdicts
 * (a guard rule's refusals count in scim_proxy_blocked_requests_total{rule} instead).
 */
export const REFUSAL_REASONS: readonly string[] = [
  'not_scim',
  'route_not_served',
  'method_not_allowed',
  'method_override',
  'token_in_query',
  'duplicate_query_parameter',
  'body_not_expected',
  'patch_malformed',
  'member_removal_refused',
  'member_change_unclassifiable',
];
const REFUSALS = new Set(REFUSAL_REASONS);
export const refusalLabel = (code: string | undefined): string | undefined =>
  code !== undefined && REFUSALS.has(code) ? code : undefined;
