// Liveness is the process; readiness is "rules loaded and not draining", so Kubernetes stops
// sending traffic before SIGTERM's drain closes the listener.
import { Router } from 'express';

export interface Readiness {
  ready: boolean;
}

/** `onFirstReady` runs once, when /readyz first answers 200 (the proxy then looks its profiles up again if MAS was down at start). */
export function health(readiness: Readiness, onFirstReady?: () => void): Router {
  const router = Router();
  let announced = false;
  router.get('/livez', function livez(_req, res) {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', function readyz(_req, res) {
    if (readiness.ready && !announced) {
      announced = true;
      onFirstReady?.();
    }
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ok' : 'not ready' });
  });
  return router;
}
