// The running service: the SCIM listener in front of MAS (or of the built-in simulator), with
// graceful draining. main.ts adds only the process concerns (environment, signals, exit codes).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'winston';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import type { ExchangeObserver } from './exchange.ts';
import type { Readiness } from './http/health.ts';
import { BUILT_IN_RULES_DIR, loadRules } from './rules/load.ts';
import { type Credentials, passThrough, staticToken } from './upstream/credentials.ts';

export interface Service {
  port: number;
  readiness: Readiness;
  /** Stops taking requests, lets the in-flight ones finish (up to shutdownTimeoutMs), then closes. */
  drain(): Promise<void>;
}

export interface ServiceParts {
  logger: Logger;
  observers?: readonly ExchangeObserver[];
  /** Overrides the credentials derived from the configuration (the demo's simulator token). */
  credentials?: Credentials;
  host?: string;
}

export function credentialsFor(config: Config): Credentials {
  return config.masToken ? staticToken(config.masToken) : passThrough;
}

export async function startService(config: Config, masUrl: URL, parts: ServiceParts): Promise<Service> {
  const rules = await loadRules(config.rulesDir ? [BUILT_IN_RULES_DIR, config.rulesDir] : [BUILT_IN_RULES_DIR]);
  const readiness: Readiness = { ready: false };
  const app = createApp({
    masUrl,
    scimTokens: config.scimTokens,
    credentials: parts.credentials ?? credentialsFor(config),
    rules: () => rules,
    allowRemoveAllMembers: config.allowRemoveAllMembers,
    bodyLimitBytes: config.bodyLimitBytes,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    readiness,
    logger: parts.logger,
    ...(parts.observers && { observers: parts.observers }),
  });
  const server = http.createServer({ requestTimeout: config.upstreamTimeoutMs + 30_000 }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, parts.host ?? '0.0.0.0', () => resolve());
  });
  readiness.ready = true;
  const port = (server.address() as AddressInfo).port;
  parts.logger.info('scim-proxy is listening', { port, mas: masUrl.origin, rules: rules.length });

  let draining: Promise<void> | undefined;
  const drain = () => {
    draining ??= new Promise<void>((resolve) => {
      readiness.ready = false;
      const force = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    });
    return draining;
  };
  return { port, readiness, drain };
}
