// Liveness is the process; readiness is "rules loaded and not draining", so Kubernetes stops
// sending traffic before SIGTERM's drain closes the listener.
import { Router } from 'express';

export interface Readiness {
  ready: boolean;
}

export function health(readiness: Readiness): Router {
  const router = Router();
  router.get('/livez', function livez(_req, res) {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', function readyz(_req, res) {
    res.status(readiness.ready ? 200 : 503).json({ status: readiness.ready ? 'ok' : 'not ready' });
  });
  return router;
}
