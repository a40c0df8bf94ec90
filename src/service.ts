// The running service: the SCIM listener in front of MAS (or of the built-in simulator), with
// graceful draining. main.ts adds only the process concerns (environment, signals, exit codes).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { Logger } from 'winston';
import { createApp } from './app.ts';
import type { Config, OAuthConfig } from './config.ts';
import type { ExchangeObserver } from './exchange.ts';
import { loadGroupMap } from './groups/group-map-file.ts';
import { createGroupNames } from './groups/group-names.ts';
import { clientError } from './http/client-error.ts';
import type { Readiness } from './http/health.ts';
import { http } from './node-http.ts';
import { accessTokens } from './oauth/access-tokens.ts';
import { oauthClient } from './oauth/client.ts';
import { lockout } from './oauth/lockout.ts';
import { signingKeys } from './oauth/signing-keys.ts';
import { tokenEndpoint } from './oauth/token-endpoint.ts';
import type { Metrics } from './observe/metrics.ts';
import { tokenExpiry } from './observe/token-expiry.ts';
import { type RotatingSecrets, rotatingSecrets } from './rotating-secrets.ts';
import type { EngineOptions } from './rules/action.ts';
import { startRuleSet } from './rules/reload.ts';
import { apiKeyCredentials, type TokenExchange } from './upstream/api-key-credentials.ts';
import { type Credentials, passThrough, staticToken } from './upstream/credentials.ts';
import { type MasGate, masGate } from './upstream/mas-gate.ts';
import { profileLookup } from './upstream/profile-lookup.ts';
import { watchFile } from './watched-file.ts';

export interface Service {
  port: number;
  /** The HTTPS port, when TLS_CERT_FILE and TLS_KEY_FILE are set. */
  tlsPort?: number;
  readiness: Readiness;
  /** Stops taking requests, lets the in-flight ones finish (up to shutdownTimeoutMs), then closes. */
  drain(): Promise<void>;
}

export interface ServiceParts {
  logger: Logger;
  observers?: readonly ExchangeObserver[];
  /** Counts exchanges, auth failures and rules; its observer runs before `observers`. */
  metrics?: Metrics;
  /** Overrides the credentials derived from the configuration (the demo's simulator token). */
  credentials?: Credentials;
  host?: string;
  /** The clock access tokens are issued and checked by; inject one to test expiry without waiting. */
  now?: () => number;
  /**
   * Runs once the listeners are up and before /readyz says ready: in a pod no request arrives before
   * that, so a pause here (main's start-up collection) never holds one.
   */
  beforeReady?: () => void;
}

/** What the rules engine is told of the configuration: the guard switch and the group name map. */
export async function engineOptionsFor(config: Config): Promise<EngineOptions> {
  const table = config.groupMapFile ? await loadGroupMap(config.groupMapFile) : {};
  return {
    allowRemoveAllMembers: config.allowRemoveAllMembers,
    groupNames: createGroupNames(table, config.groupNameDerivation),
  };
}

/** MAS credentials; with `secrets`, a rotated API key or token file is used from the next request on. */
export function credentialsFor(
  config: Config,
  masUrl: URL,
  metrics?: Metrics,
  secrets?: Pick<RotatingSecrets, 'masApiKey' | 'masToken'>,
  logger?: Logger,
): Credentials {
  if (config.masApiKeyId && config.masApiKey) {
    const keyId = config.masApiKeyId;
    const key = secrets?.masApiKey;
    return apiKeyCredentials({
      masUrl,
      keyId,
      key: key ? () => key() ?? '' : config.masApiKey,
      expiry: config.masJwtExpiry,
      ...(metrics && { onRenewal: metrics.tokenRefresh, onExpiry: metrics.tokenExpiry }),
      // The runbooks say to look for the token in the log: each exchange is a line (the key id, never the key).
      ...(logger && {
        onExchange: (exchange: TokenExchange) =>
          exchange.result === 'success'
            ? logger.info('MAS token obtained with the API key', {
                keyId,
                expiresAt: exchange.expiresAt?.toISOString() ?? 'never',
              })
            : logger.warn('MAS token exchange failed', {
                keyId,
                status: exchange.status,
                error: exchange.code,
                detail: exchange.detail,
              }),
      }),
    });
  }
  if (!config.masToken) return passThrough;
  const token = secrets?.masToken;
  return staticToken(token ? () => token() ?? '' : config.masToken);
}

/** The token endpoint and its access tokens, reporting to the metrics. */
export async function oauthFor(oauth: OAuthConfig, trustedProxyHops: number, parts: ServiceParts) {
  const { metrics, logger } = parts;
  const now = parts.now ?? Date.now;
  const tokens = await accessTokens({
    keys: await signingKeys(oauth.signingKeys),
    issuer: oauth.issuer,
    audience: oauth.audience,
    lifetimeSeconds: oauth.tokenLifetimeSeconds,
    now,
  });
  const lockoutFor = (scope: 'source' | 'client', maxFailures: number) =>
    lockout({
      maxFailures,
      windowMs: oauth.lockoutSeconds * 1000,
      now,
      ...(metrics && { onLock: () => metrics.oauthLockout(scope) }),
    });
  const endpoint = tokenEndpoint({
    client: oauthClient(oauth.clientId as string, oauth.clientSecrets),
    tokens,
    lockouts: {
      source: lockoutFor('source', oauth.maxFailuresPerSource),
      client: lockoutFor('client', oauth.maxFailuresPerClient),
    },
    trustedProxyHops,
    logger,
    ...(metrics && { onResult: metrics.oauthTokenRequest }),
  });
  return { endpoint, accessTokens: tokens, audience: oauth.audience, issuer: oauth.issuer };
}

/** The cap on requests in flight to MAS, reporting to the metrics. */
export function masGateFor(config: Config, metrics?: Metrics): MasGate {
  return masGate({
    ...config.masConcurrency,
    ...(metrics && {
      onChange: metrics.masQueue,
      onWait: metrics.masQueueWait,
      onReject: metrics.masQueueRejected,
    }),
  });
}

export async function startService(config: Config, masUrl: URL, parts: ServiceParts): Promise<Service> {
  const { metrics } = parts;
  const rules = await startRuleSet({
    dir: config.rulesDir,
    intervalMs: config.rulesReloadIntervalMs,
    logger: parts.logger,
    metrics,
  });
  const secrets = await rotatingSecrets(config, {
    logger: parts.logger,
    ...(metrics && {
      onReload: metrics.secretReload,
      onMasToken: (token: string) => metrics.tokenExpiry(tokenExpiry(token)),
    }),
  });
  const readiness: Readiness = { ready: false };
  // A static MAS_TOKEN is usually a JWT: its expiry is the one date the operator must not miss.
  if (config.masToken && !parts.credentials) metrics?.tokenExpiry(tokenExpiry(config.masToken));
  const observers = [...(metrics ? [metrics.observer] : []), ...(parts.observers ?? [])];
  const credentials = parts.credentials ?? credentialsFor(config, masUrl, metrics, secrets, parts.logger);
  const lookup =
    config.servedProfiles.length > 0
      ? profileLookup({
          ids: config.servedProfiles,
          masUrl,
          credentials,
          timeoutMs: config.upstreamTimeoutMs,
          logger: parts.logger,
          ...(metrics && { onState: metrics.profileState }),
        })
      : undefined;
  const app = createApp({
    masUrl,
    scimTokens: secrets.scimTokens,
    servedProfiles: config.servedProfiles,
    credentials,
    ...(lookup && { onFirstReady: () => void lookup.retryUnchecked() }),
    rules: rules.current,
    engineOptions: await engineOptionsFor(config),
    bodyLimitBytes: config.bodyLimitBytes,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    readiness,
    logger: parts.logger,
    observers,
    masGate: masGateFor(config, metrics),
    ...(config.oauth.clientId && { oauth: await oauthFor(config.oauth, config.trustedProxyHops, parts) }),
    ...(metrics && { onAuthFailure: metrics.authFailure, onUpstreamRetry: metrics.upstreamRetry }),
  });
  // Deadlines for receiving a request, answered 408 (client-error.ts): Entra sends small requests at
  // once, and a client trickling header lines must not hold a connection. Node checks them only every
  // connectionsCheckingInterval, so that is tightened from its 30 s too.
  const options = {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
  };
  const connections = connectionCloser();
  // The closer listens first, so a request that arrives while draining is marked before it is answered.
  const serve = <S extends Server>(server: S): S =>
    Object.assign(server, { maxConnections: config.maxConnections })
      // For HTTPS the request's socket is the TLS one, not the TCP one under it.
      .on(server instanceof https.Server ? 'secureConnection' : 'connection', connections.accept)
      .on('request', connections.track)
      .on('request', app)
      .on('clientError', clientError());
  const servers: Server[] = [serve(http.createServer(options))];
  const { tls } = config;
  const servingCert = tls && (await watchServingCert(tls, config.secretsReloadIntervalMs, parts.logger, metrics));
  if (servingCert) {
    const server = serve(https.createServer({ ...options, ...servingCert.current() }));
    // New connections get the rotated certificate; open ones finish with the one they negotiated.
    servingCert.onChange = (pair) => server.setSecureContext(pair);
    servers.push(server);
  }
  const ports = await Promise.all(
    servers.map((server, i) => listen(server, i === 0 ? config.port : (tls?.port ?? 0), parts.host ?? '0.0.0.0')),
  );
  parts.beforeReady?.();
  readiness.ready = true;
  void lookup?.run();
  const port = ports[0] ?? 0;
  parts.logger.info('scim-proxy is listening', {
    port,
    tlsPort: ports[1],
    mas: masUrl.origin,
    rules: rules.current().length,
  });

  let draining: Promise<void> | undefined;
  const drain = () => {
    readiness.ready = false;
    rules.stop();
    secrets.stop();
    servingCert?.stop();
    connections.closeAll();
    draining ??= Promise.all(servers.map((server) => close(server, config.shutdownTimeoutMs))).then(() => {});
    return draining;
  };
  return { port, ...(ports[1] !== undefined && { tlsPort: ports[1] }), readiness, drain };
}

/**
 * The serving certificate and its key (service-ca renews them in their Secret before they expire),
 * read as a pair: a pair that does not match (read across a rotation) is refused and read again.
 */
async function watchServingCert(
  tls: NonNullable<Config['tls']>,
  intervalMs: number,
  logger: Logger,
  metrics: Metrics | undefined,
) {
  const handle: { onChange?: (pair: { cert: Buffer; key: Buffer }) => void } = {};
  const watched = await watchFile({
    name: 'TLS_CERT_FILE',
    files: [tls.certFile, tls.keyFile],
    parse: ([cert, key]) => {
      const pair = { cert: cert as Buffer, key: key as Buffer };
      createSecureContext(pair);
      return pair;
    },
    intervalMs,
    logger,
    ...(metrics && { onReload: (result: 'success' | 'failure') => metrics.secretReload('TLS_CERT_FILE', result) }),
    onChange: (pair) => handle.onChange?.(pair),
  });
  return Object.assign(handle, { current: watched.current, stop: watched.stop });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Keep-alive clients (Entra, the router) go on sending on their connections, which would keep a
 * draining server busy until shutdownTimeoutMs cut them mid-request. Once draining, the last answer
 * owed on each connection says `Connection: close`, so the client's next request opens a new
 * connection (refused: the router retries elsewhere). Only the last: a request pipelined behind it
 * is still answered, then carries the close itself.
 */
function connectionCloser() {
  const open = new Set<Socket>();
  let closing = false;
  const mark = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  return {
    accept(socket: Socket) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
    },
    track(req: IncomingMessage, res: ServerResponse) {
      const socket = req.socket as TrackedSocket;
      const previous = socket[LAST_RESPONSE];
      socket[LAST_RESPONSE] = res;
      res.on('close', () => {
        if (socket[LAST_RESPONSE] === res) socket[LAST_RESPONSE] = undefined;
      });
      if (!closing) return;
      if (previous && !previous.headersSent) previous.removeHeader('connection');
      mark(res);
    },
    closeAll() {
      closing = true;
      for (const socket of open as Set<TrackedSocket>) {
        const res = socket[LAST_RESPONSE];
        if (res) mark(res);
        // A connection with no request in flight, not even a first one (a client's spare
        // connection), would hold the drain until SHUTDOWN_TIMEOUT_MS: Node's
        // closeIdleConnections leaves those open.
        else socket.destroy();
      }
    },
  };
}

/**
 * The last response owed on a connection, kept on the socket itself rather than in a Map written and
 * cleared on every request: with the Map, V8 promoted about 1 MB of finished exchanges to the old
 * generation at every other scavenge (measured with --trace-gc-nvp, the rest of the request path
 * replaced by a plain forward; 5 KB without it), most likely through the Map's retired tables.
 */
const LAST_RESPONSE = Symbol('last response owed on this connection');
type TrackedSocket = Socket & { [LAST_RESPONSE]?: ServerResponse | undefined };

/** Stops accepting, lets in-flight requests finish, and cuts what is left after `timeoutMs`. */
function close(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
