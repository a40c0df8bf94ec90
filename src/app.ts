// Builds the Express app from the parts it is handed. No environment, no ports, no globals: main.ts
// wires the process, tests build apps of their own.
import express, { type Express, type Router } from 'express';
import type { Logger } from 'winston';
import type { ExchangeObserver } from './exchange.ts';
import { apiHeaders } from './http/api-headers.ts';
import { body } from './http/body.ts';
import { errorHandler } from './http/error-handler.ts';
import { guard } from './http/guard.ts';
import { health, type Readiness } from './http/health.ts';
import { type AuthRefusal, inboundAuth } from './http/inbound-auth.ts';
import { masSlot } from './http/mas-slot.ts';
import { normalize } from './http/normalize.ts';
import { observe } from './http/observe.ts';
import { requestId } from './http/request-id.ts';
import { route } from './http/route.ts';
import { scimTarget } from './http/scim-target.ts';
import { sequence } from './http/sequence.ts';
import { servedProfiles } from './http/served-profiles.ts';
import type { AccessTokens } from './oauth/access-tokens.ts';
import type { EngineOptions } from './rules/action.ts';
import type { Rule } from './rules/rule.ts';
import { ScimError } from './scim/error.ts';
import type { Credentials } from './upstream/credentials.ts';
import { forwarder, type RetryReason } from './upstream/forwarder.ts';
import type { MasGate } from './upstream/mas-gate.ts';

// MAS answers read whole for response rules (group lists); anything larger passes through unchanged.
const RESPONSE_LIMIT_BYTES = 32 * 1024 * 1024;

export interface AppParts {
  masUrl: URL;
  /** Entra's Secret Tokens, read at each request (SCIM_TOKEN_FILE rotates); never empty once set. */
  scimTokens: () => readonly string[];
  /** MAS_PROFILES: the profile ids Entra may use; empty lets any through. */
  servedProfiles?: readonly string[];
  credentials: Credentials;
  /** The current rules; a function so a reload swaps them between requests. */
  rules: () => readonly Rule[];
  engineOptions: EngineOptions;
  bodyLimitBytes: number;
  upstreamTimeoutMs: number;
  readiness: Readiness;
  logger: Logger;
  observers?: readonly ExchangeObserver[];
  onAuthFailure?: (reason: AuthRefusal) => void;
  /** The token endpoint and the access tokens it issues; absent when OAuth is off. */
  oauth?: { endpoint: Router; accessTokens: AccessTokens; audience: string; issuer: string };
  /** Called once, when /readyz first answers 200. */
  onFirstReady?: () => void;
  /** Caps the requests in flight to MAS; none when absent. */
  masGate?: MasGate;
  onUpstreamRetry?: (reason: RetryReason) => void;
}

export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', false);
  app.use(apiHeaders());
  app.use(health(parts.readiness, parts.onFirstReady));
  // Before the exchange path: a token request is never audited, recorded or forwarded.
  if (parts.oauth) app.use(parts.oauth.endpoint);
  const { oauth } = parts;
  app.use(
    sequence([
      requestId(),
      observe(parts.observers ?? [], parts.logger),
      scimTarget(),
      inboundAuth({
        tokens: parts.scimTokens,
        ...(oauth && {
          accessTokens: oauth.accessTokens,
          expected: { audience: oauth.audience, issuer: oauth.issuer },
        }),
        ...(parts.onAuthFailure && { onFailure: parts.onAuthFailure }),
      }),
      servedProfiles(parts.servedProfiles ?? []),
      route(),
      body({ limitBytes: parts.bodyLimitBytes }),
      normalize({ rules: parts.rules, options: parts.engineOptions }),
      guard({ options: parts.engineOptions }),
      ...(parts.masGate ? [masSlot(parts.masGate)] : []),
      forwarder({
        masUrl: parts.masUrl,
        timeoutMs: parts.upstreamTimeoutMs,
        credentials: parts.credentials,
        dropCallerAuthorization: parts.scimTokens().length > 0 || oauth !== undefined,
        engineOptions: parts.engineOptions,
        responseLimitBytes: RESPONSE_LIMIT_BYTES,
        ...(parts.onUpstreamRetry && { onRetry: parts.onUpstreamRetry }),
      }),
    ]),
  );
  app.use((_req, _res, next) => next(new ScimError(404, 'Not found.', { code: 'not_found' })));
  app.use(errorHandler({ logger: parts.logger }));
  return app;
}
