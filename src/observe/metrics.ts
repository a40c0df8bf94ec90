// Prometheus metrics for one proxy, on a registry it is handed (no global register). Label values
// come from labels.ts: bounded lists, never request data.
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';
import type { ExchangeObserver } from '../exchange.ts';
import { AUTH_REFUSALS, type AuthRefusal } from '../http/inbound-auth.ts';
import { TOKEN_RESULTS, type TokenResult } from '../oauth/token-endpoint.ts';
import { PROFILE_STATES, type ProfileState } from '../upstream/profile-lookup.ts';
import {
  codeLabel,
  methodLabel,
  REFUSAL_REASONS,
  refusalLabel,
  resourceLabel,
  ruleLabel,
  UPSTREAM_ERROR_LABELS,
  upstreamErrorKind,
} from './labels.ts';

// Gauges named like counters: promtool flags them and rate() over them means nothing.
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];
/** 1 ms to 60 s (Entra gives up at 60 s), dense where SCIM calls usually land. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

export interface Metrics {
  /** The per-exchange observer for createApp. */
  observer: ExchangeObserver;
  /** A SCIM request refused for its credentials, by why. */
  authFailure(reason: AuthRefusal): void;
  /** A request to the token endpoint, by how it ended. */
  oauthTokenRequest(result: TokenResult): void;
  /** A source address or the client id locked out of the token endpoint after failed authentications. */
  oauthLockout(scope: 'source' | 'client'): void;
  tokenRefresh(result: 'success' | 'failure'): void;
  /** When the MAS token in use expires; undefined when unknown (the series then reads 0). */
  tokenExpiry(expiresAt: Date | undefined): void;
  rulesReload(result: 'success' | 'failure'): void;
  /** A rotated credential or certificate file re-read (SCIM_TOKEN_FILE, MAS_API_KEY_FILE, MAS_TOKEN_FILE, TLS_CERT_FILE). */
  secretReload(file: string, result: 'success' | 'failure'): void;
  /** Requests holding a MAS slot and waiting for one (MAS_MAX_CONCURRENCY). */
  masQueue(state: { inFlight: number; queued: number }): void;
  /** How long a request waited for a MAS slot. */
  masQueueWait(seconds: number): void;
  /** A request answered 503 because the queue was full or its wait ran out. */
  masQueueRejected(reason: 'full' | 'timeout'): void;
  /** A request sent to MAS again because MAS certainly had not acted on it. */
  upstreamRetry(reason: 'credentials' | 'throttled' | 'reset'): void;
  /** One exchange offered to RECORD_DIR: written, skipped (a bound reached) or failed (disk). */
  recording(result: 'written' | 'skipped' | 'failed'): void;
  /** What the lookup of a MAS_PROFILES profile found: 1 on its state's series, 0 on the others. */
  profileState(profile: string, state: ProfileState): void;
  /** Makes the per-rule series exist at 0, so the first refusal already shows in increase(). */
  knowRules(ids: readonly string[]): void;
}

export function createMetrics(registry: Registry, { version }: { version: string }): Metrics {
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  new Gauge({
    name: 'scim_proxy_build_info',
    help: 'Always 1; the version label says which build runs.',
    labelNames: ['version', 'node_version'],
    registers,
  }).set({ version, node_version: process.version }, 1);
  const requests = new Counter({
    name: 'scim_proxy_requests_total',
    help: 'Requests from the SCIM client (Entra), by the status it was answered.',
    labelNames: ['method', 'resource', 'code'],
    registers,
  });
  const duration = new Histogram({
    name: 'scim_proxy_request_duration_seconds',
    help: 'Time from receiving a request to finishing its answer, MAS included.',
    labelNames: ['method', 'resource'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const upstreamDuration = new Histogram({
    name: 'scim_proxy_upstream_request_duration_seconds',
    help: 'Time MAS took to answer a forwarded request, by the status MAS gave.',
    labelNames: ['method', 'resource', 'code'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  const upstreamErrors = new Counter({
    name: 'scim_proxy_upstream_errors_total',
    help: 'Forwarded requests MAS never answered, by why.',
    labelNames: ['kind'],
    registers,
  });
  const applications = new Counter({
    name: 'scim_proxy_rule_applications_total',
    help: 'Requests a rule changed or decided.',
    labelNames: ['rule'],
    registers,
  });
  const blocked = new Counter({
    name: 'scim_proxy_blocked_requests_total',
    help: 'Requests a rule refused.',
    labelNames: ['rule'],
    registers,
  });
  const authFailures = new Counter({
    name: 'scim_proxy_inbound_auth_failures_total',
    help: 'SCIM requests refused because the caller presented no valid Secret Token or access token, by why.',
    labelNames: ['reason'],
    registers,
  });
  const tokenRequests = new Counter({
    name: 'scim_proxy_oauth_token_requests_total',
    help: 'Requests to the OAuth token endpoint, by result: issued or the OAuth error answered.',
    labelNames: ['result'],
    registers,
  });
  const lockouts = new Counter({
    name: 'scim_proxy_oauth_lockouts_total',
    help: 'Source addresses or the client id locked out of the token endpoint after repeated failed client authentications.',
    labelNames: ['scope'],
    registers,
  });
  const refreshes = new Counter({
    name: 'scim_proxy_mas_token_refreshes_total',
    help: 'MAS token renewals, by result.',
    labelNames: ['result'],
    registers,
  });
  const expiry = new Gauge({
    name: 'scim_proxy_mas_token_expiry_timestamp_seconds',
    help: 'When the MAS token in use expires (Unix time); 0 when unknown.',
    registers,
  });
  const reloads = new Counter({
    name: 'scim_proxy_rules_reloads_total',
    help: 'Rule reloads, by result.',
    labelNames: ['result'],
    registers,
  });

  const secretReloads = new Counter({
    name: 'scim_proxy_secret_reloads_total',
    help: 'Rotated credential and certificate files re-read, by file variable and result.',
    labelNames: ['file', 'result'],
    registers,
  });

  const inFlight = new Gauge({
    name: 'scim_proxy_mas_in_flight_requests',
    help: 'Requests sent to MAS and not yet answered (capped by MAS_MAX_CONCURRENCY).',
    registers,
  });
  const queueDepth = new Gauge({
    name: 'scim_proxy_mas_queue_depth',
    help: 'Requests waiting for a free MAS slot.',
    registers,
  });
  const queueWait = new Histogram({
    name: 'scim_proxy_mas_queue_wait_seconds',
    help: 'Time a request waited for a free MAS slot (0 when one was free).',
    buckets: DURATION_BUCKETS,
    registers,
  });
  const queueRejections = new Counter({
    name: 'scim_proxy_mas_queue_rejections_total',
    help: 'Requests answered 503 with Retry-After instead of reaching MAS, by why: the queue was full or the wait ran out.',
    labelNames: ['reason'],
    registers,
  });
  const retries = new Counter({
    name: 'scim_proxy_upstream_retries_total',
    help: 'Requests sent to MAS again, by why: credentials renewed after a 401, a 429 waited out, a GET cut before any answer.',
    labelNames: ['reason'],
    registers,
  });
  const refusals = new Counter({
    name: 'scim_proxy_refused_requests_total',
    help: 'Requests the proxy refused itself and never sent to MAS, by why: a route, method, path, query or PATCH outside what Entra provisions, or the guard.',
    labelNames: ['reason'],
    registers,
  });
  const recordings = new Counter({
    name: 'scim_proxy_recordings_total',
    help: 'Exchanges offered to RECORD_DIR, by result.',
    labelNames: ['result'],
    registers,
  });

  const profileStates = new Gauge({
    name: 'scim_proxy_mas_profile_state',
    help: 'What the lookup of each MAS_PROFILES profile found: 1 on its state (ok, missing, no_group_display_names, unchecked).',
    labelNames: ['profile', 'state'],
    registers,
  });

  for (const reason of ['full', 'timeout']) queueRejections.inc({ reason }, 0);
  for (const reason of REFUSAL_REASONS) refusals.inc({ reason }, 0);
  for (const reason of ['credentials', 'throttled', 'reset']) retries.inc({ reason }, 0);
  for (const result of ['written', 'skipped', 'failed']) recordings.inc({ result }, 0);
  for (const kind of UPSTREAM_ERROR_LABELS) upstreamErrors.inc({ kind }, 0);
  for (const reason of AUTH_REFUSALS) authFailures.inc({ reason }, 0);
  for (const result of TOKEN_RESULTS) tokenRequests.inc({ result }, 0);
  for (const scope of ['source', 'client']) lockouts.inc({ scope }, 0);
  for (const result of ['success', 'failure']) {
    refreshes.inc({ result }, 0);
    reloads.inc({ result }, 0);
  }

  return {
    observer: function metrics(exchange, status) {
      const method = methodLabel(exchange.method);
      const resource = resourceLabel(exchange.target?.resource);
      requests.inc({ method, resource, code: codeLabel(status) });
      duration.observe({ method, resource }, (performance.now() - exchange.startedMs) / 1000);
      if (exchange.upstreamStatus !== undefined && exchange.upstreamMs !== undefined) {
        upstreamDuration.observe(
          { method, resource, code: codeLabel(exchange.upstreamStatus) },
          exchange.upstreamMs / 1000,
        );
      }
      if (exchange.upstreamError !== undefined) upstreamErrors.inc({ kind: upstreamErrorKind(exchange.upstreamError) });
      for (const rule of exchange.applied) applications.inc({ rule: ruleLabel(rule) });
      if (exchange.decision?.kind === 'refuse') blocked.inc({ rule: ruleLabel(exchange.decision.rule) });
      const refusal = refusalLabel(exchange.error?.code);
      if (refusal) refusals.inc({ reason: refusal });
    },
    authFailure: (reason) => authFailures.inc({ reason }),
    oauthTokenRequest: (result) => tokenRequests.inc({ result }),
    oauthLockout: (scope) => lockouts.inc({ scope }),
    tokenRefresh: (result) => refreshes.inc({ result }),
    tokenExpiry: (expiresAt) => expiry.set(expiresAt ? expiresAt.getTime() / 1000 : 0),
    rulesReload: (result) => reloads.inc({ result }),
    secretReload: (file, result) => secretReloads.inc({ file, result }),
    masQueue({ inFlight: flying, queued }) {
      inFlight.set(flying);
      queueDepth.set(queued);
    },
    masQueueWait: (seconds) => queueWait.observe(seconds),
    masQueueRejected: (reason) => queueRejections.inc({ reason }),
    upstreamRetry: (reason) => retries.inc({ reason }),
    recording: (result) => recordings.inc({ result }),
    profileState(profile, state) {
      for (const each of PROFILE_STATES) profileStates.set({ profile, state: each }, each === state ? 1 : 0);
    },
    knowRules(ids) {
      for (const id of ids) {
        applications.inc({ rule: ruleLabel(id) }, 0);
        blocked.inc({ rule: ruleLabel(id) }, 0);
      }
    },
  };
}
