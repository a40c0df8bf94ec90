/**
 * MAS authentication: `GET /v1/authenticate` exchanges an API key (HTTP Basic: key id, key token)
 * for a JWT, and every SCIM call must carry one (mas.md §2.2).
 */
import { createPublicKey, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { parseDurationSeconds } from './duration.ts';
import { sendScimError } from './error-body.ts';
import { signJwt, verifyJwt } from './jwt.ts';
import type { ResolvedOptions } from './options.ts';

export const expiryHeader = 'mas-jwt-expiry-duration';

export interface Authentication {
  /** Handler for `GET /v1/authenticate`. */
  readonly authenticate: RequestHandler;
  /** Guards SCIM and Profiles routes: 401 unless a valid token is presented. */
  readonly requireToken: RequestHandler;
  /** Mints a JWT as `/v1/authenticate` would; `ttlSeconds` Infinity means no `exp`. */
  issue(subject: string, ttlSeconds?: number): Promise<string>;
}

export function createAuthentication(options: ResolvedOptions): Authentication {
  const nowSeconds = () => Math.floor(options.now() / 1000);
  const publicKey = createPublicKey(options.signingKey);

  function issue(subject: string, ttlSeconds = options.defaultTokenTtlSeconds): Promise<string> {
    const iat = nowSeconds();
    const exp = Number.isFinite(ttlSeconds) ? { exp: iat + Math.floor(ttlSeconds) } : {};
    return signJwt({ sub: subject, uniqueSecurityName: subject, iat, ...exp }, options.signingKey);
  }

  const authenticate: RequestHandler = async (req, res) => {
    const keyId = apiKeyOf(req, options.apiKeys);
    if (keyId === undefined) {
      res.status(401).json({ exception: { message: 'Authentication token is empty or invalid' } });
      return;
    }
    const requested = req.header(expiryHeader);
    const ttl = requested === undefined ? options.defaultTokenTtlSeconds : parseDurationSeconds(requested);
    if (ttl === undefined) {
      res.status(400).json({ exception: { message: `${expiryHeader} is not an ISO 8601 duration` } });
      return;
    }
    res.json({ token: await issue(keyId, ttl) });
  };

  const requireToken: RequestHandler = async (req, res, next) => {
    if (!options.requireAuth) return next();
    const token = tokenOf(req);
    if (token === undefined) return sendScimError(res, 401, 'Authentication token is empty or invalid');
    if (options.staticTokens.some((accepted) => same(accepted, token))) return next();
    const verdict = await verifyJwt(token, publicKey, nowSeconds());
    if ('reason' in verdict) {
      const detail =
        verdict.reason === 'expired' ? 'Authentication token has expired' : 'Authentication token is invalid';
      return sendScimError(res, 401, detail);
    }
    res.locals.subject = verdict.claims.sub;
    next();
  };

  return { authenticate, requireToken, issue };
}

/** MAS documents `x-access-token`; IdPs such as Entra send `Authorization: Bearer` (mas.md §2.2). */
function tokenOf(req: Request): string | undefined {
  const header = req.header('x-access-token');
  if (header) return header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '');
  return match?.[1];
}

function apiKeyOf(req: Request, apiKeys: Readonly<Record<string, string>>): string | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const id = decoded.slice(0, colon);
  const expected = Object.hasOwn(apiKeys, id) ? apiKeys[id] : undefined;
  return expected !== undefined && same(expected, decoded.slice(colon + 1)) ? id : undefined;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
