// Liveness is the process; readiness is "rules loaded and not draining", so Kubernetes stops
// sending traffic before SIGTERM's drain closes the listener.
import type { RequestHandler } from 'express';

export interface Readiness {
  ready: boolean;
}

/**
 * GET (or HEAD) /livez and /readyz, matched as Express's router would (any case, an optional
 * trailing slash), in one handler: a nested router would match both paths on every SCIM request.
 * `onFirstReady` runs once, when /readyz first answers 200 (the proxy then looks its profiles up
 * again if MAS was down at start).
 */
export function health(readiness: Readiness, onFirstReady?: () => void): RequestHandler {
  let announced = false;
  return function health(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    if (path.length < 6 || path.length > 8) return next();
    const probe = path.toLowerCase().replace(/\/$/, '');
    if (probe === '/livez') {
      res.json({ status: 'ok' });
      return;
    }
    if (probe !== '/readyz') return next();
    if (readiness.ready && !announced) {
      announced = true;
      onFirstReady?.();
    }
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ok' : 'not ready' });
  };
}
